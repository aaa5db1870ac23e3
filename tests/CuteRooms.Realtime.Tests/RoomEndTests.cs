using StackExchange.Redis;
using CuteRooms.Contracts;

namespace CuteRooms.Realtime.Tests;

public sealed class RoomEndTests(SystemFixture system)
{
    [Fact]
    public async Task A_destroyed_room_sends_destroyed_to_all_three_open_streams_and_ends_them()
    {
        var room = await system.Api.CreateRoomAsync();
        var tokens = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => system.Api.AdmitAsync(room.Id)));
        var streams = await Task.WhenAll(tokens.Select((token, i) => SseSubscription.OpenAsync(system.Replica(i % 2), room.Id, token)));

        using var destroy = new HttpRequestMessage(HttpMethod.Delete, $"api/rooms/{room.Id}");
        destroy.Headers.Add("Cookie", $"{AuthCookie.Name}={tokens[0]}");
        Assert.Equal(System.Net.HttpStatusCode.NoContent, (await system.Api.SendAsync(destroy)).StatusCode);

        foreach (var stream in streams)
        {
            Assert.NotNull(await stream.NextAsync(RoomEventTypes.Destroyed, TimeSpan.FromSeconds(5)));
            await stream.Ended.WaitAsync(TimeSpan.FromSeconds(5));
            await stream.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_room_destroyed_whose_event_never_came_still_ends_its_streams_with_destroyed()
    {
        var (keys, stream) = await OpenStreamOfNewRoomAsync();
        await using var _ = stream;

        // What the Api's destroy leaves in Redis, without the event (a lost publish, or a heartbeat
        // that looks before the event arrives). The tombstone first, as the Api's script leaves both
        // in one step: a heartbeat between the two writes must not find the room gone without one.
        await system.Redis.StringSetAsync(keys.Destroyed, "1", TimeSpan.FromSeconds(60));
        await system.Redis.KeyDeleteAsync(Array.ConvertAll(keys.All, key => (RedisKey)key));

        Assert.NotNull(await stream.NextAsync(RoomEventTypes.Destroyed, TimeSpan.FromSeconds(10)));
        await stream.Ended.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task An_expired_room_sends_expired_to_its_open_streams_and_ends_them()
    {
        var (keys, stream) = await OpenStreamOfNewRoomAsync();
        await using var _ = stream;

        // The room's time runs out now (a short TTL would race the arrangement on a busy machine).
        foreach (var key in keys.All) await system.Redis.KeyExpireAsync(key, TimeSpan.FromMilliseconds(1));

        Assert.NotNull(await stream.NextAsync(RoomEventTypes.Expired, TimeSpan.FromSeconds(10)));
        await stream.Ended.WaitAsync(TimeSpan.FromSeconds(5));
    }

    /// <summary>A new room with one member whose stream has opened (its first presence arrived).</summary>
    private async Task<(RoomKeys Keys, SseSubscription Stream)> OpenStreamOfNewRoomAsync()
    {
        var room = await system.Api.CreateRoomAsync();
        var token = await system.Api.AdmitAsync(room.Id);
        var stream = await SseSubscription.OpenAsync(system.Replica(0), room.Id, token);
        await stream.NextAsync(RoomEventTypes.Presence);
        return (new RoomKeys(room.Id), stream);
    }
}
