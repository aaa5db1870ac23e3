using CuteRooms.Contracts;

namespace CuteRooms.Realtime.Tests;

public sealed class PresenceTests(SystemFixture system)
{
    [Fact]
    public async Task Online_rises_when_a_stream_opens_and_falls_within_five_seconds_after_it_closes()
    {
        var room = await system.Api.CreateRoomAsync();
        var observerToken = await system.Api.AdmitAsync(room.Id);
        var visitorToken = await system.Api.AdmitAsync(room.Id);
        await using var observer = await SseSubscription.OpenAsync(system.Replica(0), room.Id, observerToken);
        Assert.NotNull(await observer.PresenceAsync(p => p.Online == 1 && p.Members == 2, TimeSpan.FromSeconds(5)));

        var visitor = await SseSubscription.OpenAsync(system.Replica(1), room.Id, visitorToken);
        Assert.NotNull(await observer.PresenceAsync(p => p.Online == 2, TimeSpan.FromSeconds(5)));
        Assert.Equal(2, (await system.Api.GetRoomAsync(room.Id)).Online);

        await visitor.DisposeAsync();
        Assert.NotNull(await observer.PresenceAsync(p => p.Online == 1, TimeSpan.FromSeconds(5)));
        Assert.Equal(1, (await system.Api.GetRoomAsync(room.Id)).Online);
    }

    [Fact]
    public async Task Two_streams_opening_at_once_on_different_replicas_both_see_online_two()
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var room = await system.Api.CreateRoomAsync();
            var tokens = await Task.WhenAll(system.Api.AdmitAsync(room.Id), system.Api.AdmitAsync(room.Id));

            var streams = await Task.WhenAll(
                SseSubscription.OpenAsync(system.Replica(0), room.Id, tokens[0]),
                SseSubscription.OpenAsync(system.Replica(1), room.Id, tokens[1]));

            foreach (var stream in streams)
            {
                Assert.NotNull(await stream.PresenceAsync(p => p.Online == 2, TimeSpan.FromSeconds(5)));
            }
            foreach (var stream in streams) await stream.DisposeAsync();
        }
    }

    [Fact]
    public async Task Presence_events_name_the_member_who_joined_came_online_and_left_and_never_list_the_room()
    {
        var room = await system.Api.CreateRoomAsync();
        var observerToken = await system.Api.AdmitAsync(room.Id);
        await using var observer = await SseSubscription.OpenAsync(system.Replica(0), room.Id, observerToken);
        await EventsFlowAsync(room.Id, observerToken, observer);
        var visitorToken = await system.Api.AdmitAsync(room.Id);
        var visitor = AuthorIds.For(room.Id, visitorToken);

        var joined = await observer.PresenceAsync(p => p.Changes?.Any(c => c.Id == visitor) == true, TimeSpan.FromSeconds(5));
        var stream = await SseSubscription.OpenAsync(system.Replica(1), room.Id, visitorToken);
        var cameOnline = await observer.PresenceAsync(p => p.Changes?.Any(c => c.Id == visitor && c.Online) == true, TimeSpan.FromSeconds(5));
        await stream.DisposeAsync();
        var left = await observer.PresenceAsync(p => p.Changes?.Any(c => c.Id == visitor && !c.Online) == true, TimeSpan.FromSeconds(5));

        Assert.False(joined!.Changes!.Single(c => c.Id == visitor).Online);
        Assert.NotNull(joined.Changes!.Single(c => c.Id == visitor).Name);
        Assert.NotNull(cameOnline);
        Assert.NotNull(left);
        Assert.All(new[] { joined, cameOnline!, left! }, p => Assert.DoesNotContain(p.Changes!, c => c.Id == AuthorIds.For(room.Id, observerToken)));
    }

    [Fact]
    public async Task A_typing_announcement_reaches_the_room_as_a_typing_event_without_text()
    {
        var room = await system.Api.CreateRoomAsync();
        var observerToken = await system.Api.AdmitAsync(room.Id);
        var typistToken = await system.Api.AdmitAsync(room.Id);
        await using var observer = await SseSubscription.OpenAsync(system.Replica(1), room.Id, observerToken);
        await EventsFlowAsync(room.Id, observerToken, observer);

        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/rooms/{room.Id}/typing");
        request.Headers.Add("Cookie", $"{AuthCookie.Name}={typistToken}");
        using var accepted = await system.Api.SendAsync(request);

        var typing = await observer.NextAsync(RoomEventTypes.Typing);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.NotNull(typing);
        var notice = System.Text.Json.JsonSerializer.Deserialize<MemberTypingNotice>(typing.Value.Data, System.Text.Json.JsonSerializerOptions.Web)!;
        Assert.Equal(AuthorIds.For(room.Id, typistToken), notice.Id);
        Assert.False(string.IsNullOrEmpty(notice.Name));
    }

    [Fact]
    public async Task Joined_rises_when_someone_is_admitted()
    {
        var room = await system.Api.CreateRoomAsync();
        var observerToken = await system.Api.AdmitAsync(room.Id);
        await using var observer = await SseSubscription.OpenAsync(system.Replica(1), room.Id, observerToken);
        Assert.NotNull(await observer.PresenceAsync(p => p.Members == 1, TimeSpan.FromSeconds(5)));

        await system.Api.AdmitAsync(room.Id);

        Assert.NotNull(await observer.PresenceAsync(p => p.Members == 2 && p.Online == 1, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Two_streams_of_one_member_count_as_one_online()
    {
        var room = await system.Api.CreateRoomAsync();
        var token = await system.Api.AdmitAsync(room.Id);
        await using var first = await SseSubscription.OpenAsync(system.Replica(0), room.Id, token);
        await using var second = await SseSubscription.OpenAsync(system.Replica(0), room.Id, token);

        var presence = await second.PresenceAsync(_ => true, TimeSpan.FromSeconds(5));

        Assert.Equal(1, presence!.Online);
        Assert.Equal(1, (await system.Api.GetRoomAsync(room.Id)).Online);
    }

    [Fact]
    public async Task A_member_still_connected_elsewhere_is_counted_online_again_within_a_heartbeat()
    {
        var room = await system.Api.CreateRoomAsync();
        var observerToken = await system.Api.AdmitAsync(room.Id);
        var memberToken = await system.Api.AdmitAsync(room.Id);
        await using var observer = await SseSubscription.OpenAsync(system.Replica(0), room.Id, observerToken);
        await using var stays = await SseSubscription.OpenAsync(system.Replica(0), room.Id, memberToken);
        var leaves = await SseSubscription.OpenAsync(system.Replica(1), room.Id, memberToken);
        Assert.NotNull(await observer.PresenceAsync(p => p.Online == 2, TimeSpan.FromSeconds(5)));
        while (await observer.NextAsync(RoomEventTypes.Presence, TimeSpan.FromMilliseconds(500)) is not null) { }

        // Closing the member's stream on replica 1 takes the token out of `online`, though its stream
        // on replica 0 is still open; replica 0's next heartbeat (2 s here) puts it back and says so.
        await leaves.DisposeAsync();

        // Whatever the order of the close, the refreshes and the beats, the last word is 2.
        PresenceSnapshot? last = null;
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(6);
        while (DateTime.UtcNow < until && await observer.PresenceAsync(_ => true, until - DateTime.UtcNow) is { } presence) last = presence;
        Assert.Equal(2, last?.Online);
        Assert.Equal(2, (await system.Api.GetRoomAsync(room.Id)).Online);
    }

    /// <summary>
    /// Waits until the room's events reach the subscriber's replica (it binds the room when the first
    /// stream joins): a message posted now arrives. Events published before that were not for it.
    /// </summary>
    private async Task EventsFlowAsync(string roomId, string token, SseSubscription subscriber)
    {
        var probe = await system.Api.PostAsync(roomId, token, "probe");
        Assert.Equal(probe.Id, (await subscriber.MessagesAsync(1)).Single().Id);
    }
}
