namespace CuteRooms.Web.Tests;

/// <summary>Who is in a room, live: three people, each in their own browser.</summary>
[Collection(SystemCollection.Name)]
public sealed class MemberListTests(SystemFixture system)
{
    [Fact]
    public async Task Three_people_each_see_the_other_two_listed_and_see_one_who_leaves_go_within_five_seconds()
    {
        await using var alice = await Visitor.ArriveAsync(system);
        await using var bob = await Visitor.ArriveAsync(system);
        var carol = await Visitor.ArriveAsync(system);
        var link = await alice.CreateRoomAsync("Three's company");
        await bob.OpenAsync(link);
        await carol.OpenAsync(link);
        await bob.WaitUntilLiveAsync();
        await carol.WaitUntilLiveAsync();
        var names = new Dictionary<Visitor, string> { [alice] = await alice.OwnNameAsync(), [bob] = await bob.OwnNameAsync(), [carol] = await carol.OwnNameAsync() };

        foreach (var (viewer, _) in names)
        {
            foreach (var (other, name) in names)
            {
                await Expect(viewer.Member(name)).ToHaveAttributeAsync("data-online", "");
                if (other == viewer) await Expect(viewer.Member(name)).ToHaveAttributeAsync("data-own", "");
                else await Expect(viewer.Member(name)).Not.ToHaveAttributeAsync("data-own", "");
            }
        }

        await carol.DisposeAsync(); // closes her tab: a clean leave

        foreach (var stayer in new[] { alice, bob })
        {
            await Expect(stayer.Member(names[carol])).Not.ToHaveAttributeAsync("data-online", "", new() { Timeout = 5_000 });
            await Expect(stayer.Online).ToHaveTextAsync("2");
        }
    }

    [Fact]
    public async Task A_rename_is_seen_live_by_the_others()
    {
        await using var alice = await Visitor.ArriveAsync(system);
        await using var bob = await Visitor.ArriveAsync(system);
        var link = await alice.CreateRoomAsync();
        await bob.OpenAsync(link);
        await bob.WaitUntilLiveAsync();
        var before = await bob.OwnNameAsync();
        await Expect(alice.Member(before)).ToBeVisibleAsync();

        await bob.RenameAsync("Bobby Tables");

        await Expect(alice.Member("Bobby Tables")).ToHaveAttributeAsync("data-online", "", new() { Timeout = 2_000 });
        await Expect(alice.Member(before)).ToHaveCountAsync(0);
        await Expect(bob.Page.Locator("#own-name")).ToHaveTextAsync("Bobby Tables");
        await bob.SendAsync("new name, who dis");
        await Expect(alice.Message("new name, who dis").Locator("[data-author]")).ToHaveTextAsync("Bobby Tables");
    }

    [Fact]
    public async Task A_name_another_member_goes_by_is_refused_with_a_reason()
    {
        await using var alice = await Visitor.ArriveAsync(system);
        await using var bob = await Visitor.ArriveAsync(system);
        var link = await alice.CreateRoomAsync();
        await bob.OpenAsync(link);
        await bob.WaitUntilLiveAsync();
        var alicesName = await alice.OwnNameAsync();

        await bob.RenameAsync(alicesName.ToUpperInvariant());

        await Expect(bob.Page.Locator("#rename-problem")).ToContainTextAsync("already goes by that name");
        await Expect(alice.Members).ToHaveCountAsync(2);
    }

    [Fact]
    public async Task Without_javascript_the_list_is_rendered_and_a_rename_is_a_form_post()
    {
        await using var alice = await Visitor.ArriveAsync(system);
        await using var bob = await Visitor.ArriveAsync(system, javaScript: false);
        var link = await alice.CreateRoomAsync();
        var alicesName = await alice.OwnNameAsync();

        await bob.OpenAsync(link);
        await Expect(bob.Member(alicesName)).ToHaveAttributeAsync("data-online", "");
        await bob.RenameAsync("Plain Bob");

        await Expect(bob.Page.Locator("#own-name")).ToHaveTextAsync("Plain Bob");
        await Expect(bob.Member("Plain Bob")).ToHaveAttributeAsync("data-own", "");
        await Expect(alice.Member("Plain Bob")).ToBeVisibleAsync(new() { Timeout = 2_000 });
    }
}
