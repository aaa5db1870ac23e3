namespace CuteRooms.Web.Tests;

/// <summary>Pictures of the lobby and of a room with a short conversation, for docs/screenshots.</summary>
[Collection(SystemCollection.Name)]
public sealed class ScreenshotTests(SystemFixture system)
{
    [Fact]
    public async Task Lobby_and_room_are_captured_at_desktop_and_phone_sizes()
    {
        var folder = Directory.CreateDirectory(Path.Combine(Repository.Root().FullName, "docs", "screenshots"));
        await using var alice = await Visitor.ArriveAsync(system);
        await using var bob = await Visitor.ArriveAsync(system);

        await alice.Page.GotoAsync("/");
        await CaptureAsync(alice.Page, BrowserSettings.Desktop, Path.Combine(folder.FullName, "lobby-desktop.png"));
        await CaptureAsync(alice.Page, BrowserSettings.Phone, Path.Combine(folder.FullName, "lobby-phone.png"));
        await alice.Page.SetViewportSizeAsync(BrowserSettings.Desktop.Width, BrowserSettings.Desktop.Height);

        var link = await alice.CreateRoomAsync("Friday pizza");
        await bob.OpenAsync(link);
        await alice.WaitUntilLiveAsync();
        await bob.WaitUntilLiveAsync();
        foreach (var (who, text) in new[]
        {
            (alice, "Pizza at mine on Friday?"),
            (bob, "Yes! I'll bring the drinks."),
            (alice, "Perfect. Eight o'clock,\nbring a friend if you like."),
            (bob, "See you there"),
        })
        {
            await who.SendAsync(text);
            await Expect(alice.Message(text.Split('\n')[0])).ToBeVisibleAsync();
        }
        await Expect(alice.Online).ToHaveTextAsync("2");

        await CaptureAsync(alice.Page, BrowserSettings.Desktop, Path.Combine(folder.FullName, "room-desktop.png"));
        await CaptureAsync(alice.Page, BrowserSettings.Phone, Path.Combine(folder.FullName, "room-phone.png"));

        foreach (var name in new[] { "lobby-desktop.png", "lobby-phone.png", "room-desktop.png", "room-phone.png" })
            Assert.True(new FileInfo(Path.Combine(folder.FullName, name)).Length > 10_000, name);
    }

    private static async Task CaptureAsync(IPage page, ViewportSize size, string path)
    {
        await page.SetViewportSizeAsync(size.Width, size.Height);
        await page.EvaluateAsync("() => document.fonts.ready.then(() => true)");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, Animations = ScreenshotAnimations.Disabled, Caret = ScreenshotCaret.Hide });
    }
}
