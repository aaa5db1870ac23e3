namespace CuteRooms.Web.Tests;

/// <summary>The pages under their Content-Security-Policy, and text that tries to reorder what is around it.</summary>
[Collection(SystemCollection.Name)]
public sealed class PageHardeningTests(SystemFixture system)
{
    private const string RightToLeftOverride = "\u202E";

    [Fact]
    public async Task The_lobby_and_a_room_with_a_conversation_run_without_any_csp_violation()
    {
        await using var alice = await Visitor.ArriveAsync(system);
        await using var bob = await Visitor.ArriveAsync(system);
        await alice.Page.GotoAsync("/");
        Assert.Empty(await alice.CspViolationsAsync());

        var link = await alice.CreateRoomAsync("No violations");
        await bob.OpenAsync(link);
        await bob.WaitUntilLiveAsync();
        await alice.SendAsync("hello bob");
        await Expect(bob.Message("hello bob")).ToBeVisibleAsync();
        await bob.SendAsync("hi alice");
        await Expect(alice.Message("hi alice")).ToBeVisibleAsync();
        await bob.Page.ReloadAsync();
        await bob.WaitUntilLiveAsync();

        Assert.Empty(await alice.CspViolationsAsync());
        Assert.Empty(await bob.CspViolationsAsync());
        Assert.DoesNotContain(alice.ScriptErrors.Concat(bob.ScriptErrors), error => error.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_message_holding_a_right_to_left_override_renders_isolated_live_and_after_reload()
    {
        await using var alice = await Visitor.ArriveAsync(system);
        var link = await alice.CreateRoomAsync();
        await alice.SendAsync($"abc{RightToLeftOverride}def");
        var live = alice.Message("abc");
        await Expect(live).ToBeVisibleAsync();
        await AssertIsolatedAsync(live);

        await alice.OpenAsync(link);

        await AssertIsolatedAsync(alice.Message("abc"));
    }

    [Fact]
    public async Task A_room_name_holding_a_right_to_left_override_is_isolated_in_the_heading_and_the_title()
    {
        await using var alice = await Visitor.ArriveAsync(system);

        await alice.CreateRoomAsync($"tea{RightToLeftOverride}time");

        Assert.Equal("isolate", await alice.Page.Locator("h1").EvaluateAsync<string>("e => getComputedStyle(e).unicodeBidi"));
        Assert.Equal($"\u2068tea{RightToLeftOverride}time\u2069 — CuteRooms", await alice.Page.TitleAsync());
    }

    /// <summary>The text and the author are bidi isolates, and the override did not move the time after the author.</summary>
    private static async Task AssertIsolatedAsync(ILocator message)
    {
        Assert.Equal("isolate", await message.Locator("[data-text]").EvaluateAsync<string>("e => getComputedStyle(e).unicodeBidi"));
        Assert.Equal("isolate", await message.Locator("[data-author]").EvaluateAsync<string>("e => getComputedStyle(e).unicodeBidi"));
        var author = await message.Locator("[data-author]").BoundingBoxAsync();
        var time = await message.Locator("time").BoundingBoxAsync();
        Assert.True(author!.X < time!.X, $"the time ({time.X}) was drawn before the author ({author.X})");
    }
}
