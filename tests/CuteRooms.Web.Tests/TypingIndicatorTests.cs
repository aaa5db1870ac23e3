namespace CuteRooms.Web.Tests;

/// <summary>"Ada is typing…": ephemeral, carries no text, gone soon after the keys stop.</summary>
[Collection(SystemCollection.Name)]
public sealed class TypingIndicatorTests(SystemFixture system)
{
    [Fact]
    public async Task One_who_types_is_shown_typing_to_the_other_within_a_second_and_not_five_seconds_after_stopping()
    {
        await using var alice = await Visitor.ArriveAsync(system);
        await using var bob = await Visitor.ArriveAsync(system);
        var link = await alice.CreateRoomAsync();
        await bob.OpenAsync(link);
        await bob.WaitUntilLiveAsync();
        var bobsName = await bob.OwnNameAsync();

        var composer = bob.Page.GetByRole(AriaRole.Textbox, new() { Name = "Message" });

        await composer.PressSequentiallyAsync("h");
        await Expect(alice.TypingIndicator).ToHaveTextAsync($"{bobsName} is typing…", new() { Timeout = 1_000 });
        await composer.PressSequentiallyAsync("ello there, how are", new() { Delay = 150 }); // keeps typing for about 3 s
        var lastKey = DateTime.UtcNow;
        await Expect(alice.TypingIndicator).ToHaveTextAsync($"{bobsName} is typing…");

        await Expect(alice.TypingIndicator).ToHaveTextAsync("", new() { Timeout = 5_000 });
        Assert.True(DateTime.UtcNow - lastKey < TimeSpan.FromSeconds(5), $"still shown {DateTime.UtcNow - lastKey} after the last key");
        await Expect(bob.TypingIndicator).ToHaveTextAsync(""); // nobody is told about themselves
    }

    [Fact]
    public async Task The_indicator_goes_as_soon_as_the_message_arrives()
    {
        await using var alice = await Visitor.ArriveAsync(system);
        await using var bob = await Visitor.ArriveAsync(system);
        var link = await alice.CreateRoomAsync();
        await bob.OpenAsync(link);
        await bob.WaitUntilLiveAsync();
        var composer = bob.Page.GetByRole(AriaRole.Textbox, new() { Name = "Message" });
        await composer.PressSequentiallyAsync("on my way");
        await Expect(alice.TypingIndicator).Not.ToHaveTextAsync("", new() { Timeout = 1_000 });

        await composer.PressAsync("Enter");

        await Expect(alice.Message("on my way")).ToBeVisibleAsync();
        await Expect(alice.TypingIndicator).ToHaveTextAsync("", new() { Timeout = 500 });
    }
}
