using CuteRooms.Contracts;
using StackExchange.Redis;

namespace CuteRooms.Web.Tests;

/// <summary>
/// Private rooms: the key lives in the link's fragment, which no server sees, so everything the
/// servers hold or say about the messages is ciphertext.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class EncryptedRoomTests(SystemFixture system)
{
    private static readonly string[] Secrets = ["the eagle lands at noon", "copy that, bring the cake"];

    [Fact]
    public async Task Two_people_chat_in_a_private_room_and_no_server_holds_or_logs_a_word_of_it()
    {
        await using var alice = await Visitor.ArriveAsync(system);
        await using var bob = await Visitor.ArriveAsync(system);
        var link = await alice.CreateRoomAsync("Secret garden", privateRoom: true);
        await bob.OpenAsync(link);
        await bob.WaitUntilLiveAsync();
        await Expect(bob.EncryptionNotice).ToContainTextAsync("End-to-end encrypted");

        await alice.SendAsync(Secrets[0]);
        await Expect(bob.Message(Secrets[0])).ToBeVisibleAsync();
        await bob.SendAsync(Secrets[1]);
        await Expect(alice.Message(Secrets[1])).ToBeVisibleAsync();

        var stored = await StoredTextsAsync(RoomIdOf(link));
        Assert.Equal(2, stored.Count);
        Assert.All(stored, text => Assert.True(EncryptedText.IsEnvelope(text), $"stored as plaintext: {text}"));
        foreach (var resource in new[] { "api", "web", TestSystem.RealtimeReplica(0) })
        {
            Assert.DoesNotContain(system.System.ConsoleLines(resource), ContainsASecret);
        }
    }

    [Fact]
    public async Task One_who_opens_the_link_without_its_fragment_is_told_it_cannot_be_read_and_sees_no_plaintext()
    {
        await using var alice = await Visitor.ArriveAsync(system);
        await using var carol = await Visitor.ArriveAsync(system);
        var link = await alice.CreateRoomAsync("Secret garden", privateRoom: true);
        await alice.SendAsync(Secrets[0]);
        await Expect(alice.Message(Secrets[0])).ToBeVisibleAsync();

        await carol.OpenAsync(link[..link.IndexOf('#')]);
        await carol.WaitUntilLiveAsync();
        await alice.SendAsync(Secrets[1]);
        await Expect(carol.Messages).ToHaveCountAsync(2);

        await Expect(carol.EncryptionNotice).ToContainTextAsync("cannot be read without its full link");
        await Expect(carol.EncryptionNotice).ToHaveAttributeAsync("role", "alert");
        var shown = await carol.Page.InnerTextAsync("body");
        Assert.False(ContainsASecret(shown), shown);
        await Expect(carol.Page.GetByRole(AriaRole.Textbox, new() { Name = "Message" })).ToBeDisabledAsync();
    }

    [Fact]
    public async Task The_copy_link_button_copies_the_link_with_its_key()
    {
        await using var alice = await Visitor.ArriveAsync(system);
        await alice.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        var link = await alice.CreateRoomAsync("Secret garden", privateRoom: true);

        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Copy link" }).ClickAsync();

        await Expect(alice.Page.GetByRole(AriaRole.Button, new() { Name = "Copied!" })).ToBeVisibleAsync();
        Assert.Equal(link, await alice.Page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
    }

    [Fact]
    public async Task History_of_a_private_room_is_decrypted_when_the_page_is_opened_again()
    {
        await using var alice = await Visitor.ArriveAsync(system);
        var link = await alice.CreateRoomAsync("Secret garden", privateRoom: true);
        await alice.SendAsync(Secrets[0]);
        await Expect(alice.Message(Secrets[0])).ToBeVisibleAsync();

        await alice.Page.ReloadAsync();

        await Expect(alice.Message(Secrets[0])).ToBeVisibleAsync();
        await Expect(alice.Message(Secrets[0]).Locator("[data-text]")).Not.ToHaveAttributeAsync("data-encrypted", "");
    }

    [Fact]
    public async Task A_message_the_server_passes_off_as_another_members_does_not_open()
    {
        await using var alice = await Visitor.ArriveAsync(system);
        var link = await alice.CreateRoomAsync("Secret garden", privateRoom: true);
        await alice.SendAsync(Secrets[0]);
        await Expect(alice.Message(Secrets[0])).ToBeVisibleAsync();

        // A server that copies Alice's envelope under another author's name and id.
        var messages = new RoomKeys(RoomIdOf(link)).Messages;
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(TestSystem.RedisConnectionString))
        {
            var original = (await redis.GetDatabase().StreamRangeAsync(messages)).Single();
            await redis.GetDatabase().StreamAddAsync(messages, [
                new(MessageFields.Author, "mallory"), new(MessageFields.AuthorId, "forgedAuthorId"),
                new(MessageFields.Text, original[MessageFields.Text]), new(MessageFields.SentAt, original[MessageFields.SentAt])]);
        }
        await alice.Page.ReloadAsync();

        await Expect(alice.Messages).ToHaveCountAsync(2);
        await Expect(alice.Message(Secrets[0])).ToHaveCountAsync(1);
        await Expect(alice.Messages.Nth(1).Locator("[data-text]")).ToHaveTextAsync("(this message could not be opened: it was not sealed by its author in this room)");
    }

    private static bool ContainsASecret(string text) => Secrets.Any(secret => text.Contains(secret, StringComparison.OrdinalIgnoreCase));

    private static string RoomIdOf(string link) => new Uri(link).AbsolutePath.Split('/')[^1];

    private static async Task<List<string>> StoredTextsAsync(string roomId)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestSystem.RedisConnectionString);
        var entries = await redis.GetDatabase().StreamRangeAsync(new RoomKeys(roomId).Messages);
        return [.. entries.Select(entry => (string)entry[MessageFields.Text]!)];
    }
}
