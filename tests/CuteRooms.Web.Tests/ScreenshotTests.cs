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

    [Fact]
    public async Task A_room_with_its_member_list_and_a_private_room_are_captured()
    {
        var folder = Directory.CreateDirectory(Path.Combine(Repository.Root().FullName, "docs", "screenshots"));
        await using var alice = await Visitor.ArriveAsync(system);
        await using var bob = await Visitor.ArriveAsync(system);
        await using var carol = await Visitor.ArriveAsync(system);

        var link = await alice.CreateRoomAsync("Book club");
        await bob.OpenAsync(link);
        await carol.OpenAsync(link);
        await bob.WaitUntilLiveAsync();
        await carol.WaitUntilLiveAsync();
        await bob.RenameAsync("Bob");
        await alice.SendAsync("Chapter three tonight?");
        await Expect(alice.Member("Bob")).ToBeVisibleAsync();
        await carol.Page.CloseAsync(); // away: joined, not connected
        await Expect(alice.Online).ToHaveTextAsync("2", new() { Timeout = 5_000 });
        await bob.Page.GetByRole(AriaRole.Textbox, new() { Name = "Message" }).PressSequentiallyAsync("Sure");
        await Expect(alice.TypingIndicator).ToHaveTextAsync("Bob is typing…");
        await CaptureAsync(alice.Page, BrowserSettings.Desktop, Path.Combine(folder.FullName, "members-desktop.png"));

        var secret = await alice.CreateRoomAsync("Surprise party", privateRoom: true);
        await bob.OpenAsync(secret);
        await bob.WaitUntilLiveAsync();
        await alice.SendAsync("Saturday, 8pm. Don't tell Dana!");
        await bob.SendAsync("My lips are sealed.");
        await Expect(alice.Message("My lips are sealed")).ToBeVisibleAsync();
        await CaptureAsync(alice.Page, BrowserSettings.Desktop, Path.Combine(folder.FullName, "private-room-desktop.png"));

        await using var dana = await Visitor.ArriveAsync(system);
        await dana.OpenAsync(secret[..secret.IndexOf('#')]);
        await Expect(dana.EncryptionNotice).ToContainTextAsync("cannot be read");
        await CaptureAsync(dana.Page, BrowserSettings.Desktop, Path.Combine(folder.FullName, "private-room-without-key.png"));

        foreach (var name in new[] { "members-desktop.png", "private-room-desktop.png", "private-room-without-key.png" })
            Assert.True(new FileInfo(Path.Combine(folder.FullName, name)).Length > 10_000, name);
    }

    private static async Task CaptureAsync(IPage page, ViewportSize size, string path)
    {
        await page.SetViewportSizeAsync(size.Width, size.Height);
        await page.EvaluateAsync("() => document.fonts.ready.then(() => true)");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, Animations = ScreenshotAnimations.Disabled, Caret = ScreenshotCaret.Hide });
    }
}
