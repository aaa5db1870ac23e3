namespace CuteRooms.Web.Tests;

/// <summary>Two people in one room, each in their own browser context, through the real system.</summary>
[Collection(SystemCollection.Name)]
public sealed class RoomPageTests(SystemFixture system)
{
    [Fact]
    public async Task Lobby_creates_a_room_and_opens_it()
    {
        await using var alice = await Visitor.ArriveAsync(system);

        await alice.CreateRoomAsync("Book club");

        await Expect(alice.Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Book club");
        await Expect(alice.Page.Locator("#countdown")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^(09:[0-5]\d|10:00)$"));
    }

    [Fact]
    public async Task Second_visitor_opening_the_link_is_admitted_and_both_see_two_online()
    {
        await using var alice = await Visitor.ArriveAsync(system);
        await using var bob = await Visitor.ArriveAsync(system);
        var link = await alice.CreateRoomAsync();

        await bob.OpenAsync(link);

        await Expect(bob.Page).ToHaveURLAsync(link);
        await Expect(alice.Online).ToHaveTextAsync("2");
        await Expect(bob.Online).ToHaveTextAsync("2");
        await Expect(alice.Page.Locator("#members-count")).ToHaveTextAsync("2");
    }

    [Fact]
    public async Task Message_posted_by_one_member_reaches_the_other_within_two_seconds()
    {
        await using var alice = await Visitor.ArriveAsync(system);
        await using var bob = await Visitor.ArriveAsync(system);
        var link = await alice.CreateRoomAsync();
        await bob.OpenAsync(link);
        await alice.WaitUntilLiveAsync();
        await bob.WaitUntilLiveAsync();

        await alice.SendAsync("Hello from Alice");

        await Expect(bob.Message("Hello from Alice")).ToBeVisibleAsync(new() { Timeout = 2_000 });
        await Expect(alice.Message("Hello from Alice")).ToHaveAttributeAsync("data-own", "");
        await Expect(bob.Message("Hello from Alice")).Not.ToHaveAttributeAsync("data-own", "");
        await Expect(alice.Messages).ToHaveCountAsync(1); // the POST's answer and the stream's event are one message
    }

    [Fact]
    public async Task Reply_reaches_the_original_poster()
    {
        await using var alice = await Visitor.ArriveAsync(system);
        await using var bob = await Visitor.ArriveAsync(system);
        var link = await alice.CreateRoomAsync();
        await bob.OpenAsync(link);
        await alice.WaitUntilLiveAsync();
        await bob.WaitUntilLiveAsync();
        await alice.SendAsync("Anyone here?");
        await Expect(bob.Message("Anyone here?")).ToBeVisibleAsync();

        await bob.SendAsync("Yes, me!");

        await Expect(alice.Message("Yes, me!")).ToBeVisibleAsync(new() { Timeout = 2_000 });
        await Expect(alice.Messages).ToHaveCountAsync(2);
        await Expect(alice.Messages.Last).Not.ToHaveAttributeAsync("data-own", "");
    }

    [Fact]
    public async Task Member_whose_stream_was_closed_gets_what_was_missed_when_it_resumes()
    {
        await using var alice = await Visitor.ArriveAsync(system);
        await using var bob = await Visitor.ArriveAsync(system);
        var link = await alice.CreateRoomAsync();
        await bob.OpenAsync(link);
        await alice.WaitUntilLiveAsync();
        await bob.WaitUntilLiveAsync();
        await alice.SendAsync("Before the gap");
        await Expect(bob.Message("Before the gap")).ToBeVisibleAsync();

        // Leaving closes the stream (pagehide); coming back from the back/forward cache reopens it
        // from the last id seen (pageshow). Playwright's offline mode cannot cut an open stream.
        await bob.Page.EvaluateAsync("() => dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }))");
        await alice.SendAsync("While you were away");
        await alice.SendAsync("And one more");
        await Expect(alice.Messages).ToHaveCountAsync(3);
        await Expect(bob.Messages).ToHaveCountAsync(1);
        await bob.Page.EvaluateAsync("() => dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }))");

        await bob.WaitUntilLiveAsync();
        await Expect(bob.Messages).ToHaveCountAsync(3);
        await Expect(bob.Messages.Nth(1)).ToContainTextAsync("While you were away");
        await Expect(bob.Messages.Nth(2)).ToContainTextAsync("And one more");
    }

    [Fact]
    public async Task Markup_in_a_message_shows_as_text_and_never_runs()
    {
        const string markup = "<img src=x onerror=alert(1)>";
        await using var alice = await Visitor.ArriveAsync(system);
        await using var bob = await Visitor.ArriveAsync(system);
        var link = await alice.CreateRoomAsync();
        await bob.OpenAsync(link);
        await alice.WaitUntilLiveAsync();
        await bob.WaitUntilLiveAsync();

        await alice.SendAsync(markup);

        await Expect(bob.Message(markup).Locator("[data-text]")).ToHaveTextAsync(markup);
        await Expect(alice.Message(markup).Locator("[data-text]")).ToHaveTextAsync(markup);
        // And once more as the server renders it from history.
        await bob.Page.ReloadAsync();
        await Expect(bob.Message(markup).Locator("[data-text]")).ToHaveTextAsync(markup);

        await Expect(alice.Page.Locator("#messages img")).ToHaveCountAsync(0);
        await Expect(bob.Page.Locator("#messages img")).ToHaveCountAsync(0);
        Assert.Empty(alice.Dialogs);
        Assert.Empty(bob.Dialogs);
    }

    [Fact]
    public async Task Destroying_the_room_after_confirming_sends_every_member_to_the_lobby()
    {
        await using var alice = await Visitor.ArriveAsync(system);
        await using var bob = await Visitor.ArriveAsync(system);
        var link = await alice.CreateRoomAsync();
        await bob.OpenAsync(link);
        await alice.WaitUntilLiveAsync();
        await bob.WaitUntilLiveAsync();

        await bob.Page.GetByRole(AriaRole.Button, new() { Name = "Destroy room" }).ClickAsync();
        var dialog = bob.Page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToBeVisibleAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Destroy", Exact = true }).ClickAsync();

        // Alice is told first (her page shows it for 1.5 s before it takes her to the lobby), so that
        // is checked before anything else can use up that window.
        await Expect(alice.Connection).ToHaveAttributeAsync("data-state", "ended");
        await Expect(alice.Page.Locator("#composer-problem")).ToContainTextAsync("destroyed");
        await Expect(bob.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/\?notice=room-destroyed$"));
        await Expect(alice.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/\?notice=room-destroyed$"));
        await Expect(alice.Notice).ToContainTextAsync("destroyed");

        // The link is dead now.
        await bob.OpenAsync(link);
        await Expect(bob.Notice).ToHaveTextAsync("That room doesn't exist or has expired.");
    }

    [Fact]
    public async Task Unknown_room_link_lands_on_the_lobby_with_a_notice()
    {
        await using var carol = await Visitor.ArriveAsync(system);

        await carol.OpenAsync("/room/" + CuteRooms.Contracts.RoomIds.NewId());

        await Expect(carol.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/\?notice=room-not-found$"));
        await Expect(carol.Notice).ToHaveTextAsync("That room doesn't exist or has expired.");
        await Expect(carol.Page.GetByRole(AriaRole.Button, new() { Name = "Create room" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Room_page_renders_and_posts_without_javascript()
    {
        await using var dave = await Visitor.ArriveAsync(system, javaScript: false);

        var link = await dave.CreateRoomAsync("No script club");
        await Expect(dave.Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("No script club");
        await Expect(dave.Connection).ToHaveAttributeAsync("data-state", "static");

        await dave.Page.GetByRole(AriaRole.Textbox, new() { Name = "Message" }).FillAsync("Posted by a plain form");
        await dave.Page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();

        await Expect(dave.Page).ToHaveURLAsync(link); // post/redirect/get
        await Expect(dave.Message("Posted by a plain form")).ToHaveAttributeAsync("data-own", "");
    }
}
