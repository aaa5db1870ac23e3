using System.Net;
using System.Net.Http.Json;
using CuteRooms.Contracts;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CuteRooms.Api.Tests;

public sealed class RoomLifetimeTests(ApiFixture api)
{
    // Expiries are compared as absolute times (PEXPIRETIME) against the id of the message the write
    // stored, which Redis stamps with its own clock in the same script: nothing here depends on how
    // quickly the Api answers or the test reads.

    [Fact]
    public async Task Every_key_of_a_room_expires_together_after_its_ttl()
    {
        await using var shortLived = AllowingShortLifetimes();
        var client = shortLived.CreateClient();
        var room = await api.CreateRoomAsync(new CreateRoomRequest(TtlSeconds: 3), client);
        var member = await Admit(shortLived, room.Id);
        var written = await PostMessage(shortLived, room.Id, member.Token);

        Assert.Equal(4, await api.CountKeysOfRoomAsync(room.Id)); // meta, members, names, messages
        var expected = WrittenAtMs(written) + 3_000;
        foreach (var expiry in await ExpiryTimesAsync(room.Id))
            Assert.InRange(expiry, expected - 100, expected + 100); // one script, one clock reading or a few

        await EventuallyAsync(async () => await api.CountKeysOfRoomAsync(room.Id) == 0, TimeSpan.FromSeconds(10));
        var response = await client.GetAsync($"/api/rooms/{room.Id}");
        await response.AssertProblemAsync(HttpStatusCode.NotFound, ProblemTypes.RoomNotFound);
    }

    [Fact]
    public async Task Every_write_resets_the_expiry_of_all_keys()
    {
        await using var shortLived = AllowingShortLifetimes();
        var room = await api.CreateRoomAsync(new CreateRoomRequest(TtlSeconds: 60), shortLived.CreateClient());
        var member = await Admit(shortLived, room.Id);
        var first = await PostMessage(shortLived, room.Id, member.Token);
        var expiryAfterFirst = (await ExpiryTimesAsync(room.Id)).Min();

        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        var second = await PostMessage(shortLived, room.Id, member.Token);

        var expected = WrittenAtMs(second) + 60_000;
        foreach (var expiry in await ExpiryTimesAsync(room.Id))
            Assert.InRange(expiry, expected - 100, expected + 100);
        Assert.True(expected - expiryAfterFirst >= 900, $"the second write ({second.Id}) came {WrittenAtMs(second) - WrittenAtMs(first)} ms after the first");
    }

    /// <summary>The absolute expiry (Unix ms) of each key of the room, <c>online</c> aside (Realtime's).</summary>
    private async Task<long[]> ExpiryTimesAsync(string roomId) =>
        await Task.WhenAll(new RoomKeys(roomId).All.Where(key => !key.EndsWith(":online"))
            .Select(async key => (long)await api.Redis.ExecuteAsync("PEXPIRETIME", key)));

    /// <summary>When Redis stored the message: its stream id's milliseconds.</summary>
    private static long WrittenAtMs(MessageResponse message) => long.Parse(message.Id[..message.Id.IndexOf('-')]);

    private static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within {timeout.TotalSeconds:F0} s");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task Destroying_a_room_removes_every_key_of_it_and_nothing_of_other_rooms()
    {
        var doomed = await api.CreateRoomAsync();
        var other = await api.CreateRoomAsync();
        var doomedMember = await api.AdmitMemberAsync(doomed.Id);
        var otherMember = await api.AdmitMemberAsync(other.Id);
        await PostMessage(api, doomed.Id, doomedMember.Token);
        await PostMessage(api, other.Id, otherMember.Token);
        var otherKeysBefore = await api.CountKeysOfRoomAsync(other.Id);

        var response = await api.ClientFor(doomedMember.Token).DeleteAsync($"/api/rooms/{doomed.Id}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(0, await api.CountKeysOfRoomAsync(doomed.Id));
        Assert.Equal(otherKeysBefore, await api.CountKeysOfRoomAsync(other.Id));
        Assert.Equal(HttpStatusCode.OK, (await api.CreateClient().GetAsync($"/api/rooms/{other.Id}")).StatusCode);
        await (await api.CreateClient().GetAsync($"/api/rooms/{doomed.Id}"))
            .AssertProblemAsync(HttpStatusCode.NotFound, ProblemTypes.RoomNotFound);
    }

    [Fact]
    public async Task Destroying_without_a_token_is_missing_token()
    {
        var room = await api.CreateRoomAsync();

        var response = await api.CreateClient().DeleteAsync($"/api/rooms/{room.Id}");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, ProblemTypes.MissingToken);
        Assert.Equal(1, await api.CountKeysOfRoomAsync(room.Id));
    }

    [Fact]
    public async Task Destroying_by_a_non_member_is_forbidden()
    {
        var room = await api.CreateRoomAsync();
        var stranger = await api.AdmitMemberAsync((await api.CreateRoomAsync()).Id);

        var response = await api.ClientFor(stranger.Token).DeleteAsync($"/api/rooms/{room.Id}");

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, ProblemTypes.NotAMember);
        Assert.Equal(1, await api.CountKeysOfRoomAsync(room.Id));
    }

    [Fact]
    public async Task Destroying_an_unknown_room_is_room_not_found()
    {
        var response = await api.ClientFor(RoomIds.NewId()).DeleteAsync($"/api/rooms/{RoomIds.NewId()}");

        await response.AssertProblemAsync(HttpStatusCode.NotFound, ProblemTypes.RoomNotFound);
    }

    private WebApplicationFactory<Program> AllowingShortLifetimes() =>
        api.WithWebHostBuilder(builder => builder.UseSetting("Rooms:MinTtlSeconds", "1"));

    private static async Task<AdmissionResponse> Admit(WebApplicationFactory<Program> host, string roomId)
    {
        var response = await host.CreateClient().PostAsJsonAsync($"/internal/rooms/{roomId}/admissions", new AdmissionRequest());
        return (await response.Content.ReadFromJsonAsync<AdmissionResponse>())!;
    }

    private static async Task<MessageResponse> PostMessage(WebApplicationFactory<Program> host, string roomId, string token)
    {
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Add("Cookie", $"{AuthCookie.Name}={token}");
        var response = await client.PostAsJsonAsync($"/api/rooms/{roomId}/messages", new PostMessageRequest("hello"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<MessageResponse>())!;
    }
}
