using System.Net.Http.Json;
using CuteRooms.Realtime.Fanout;

namespace CuteRooms.Realtime.Tests;

/// <summary>
/// A replica receives the events of the rooms it holds streams for and no others: its queue is bound
/// by room (the broker routes each event by its room id), and the bindings follow its streams.
/// </summary>
public sealed class RoomRoutingTests(SystemFixture system)
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_replica_binds_a_room_with_its_first_stream_and_the_other_replica_does_not()
    {
        var (room, token) = await RoomWithMemberAsync();

        await using var stream = await SseSubscription.OpenAsync(system.Replica(0), room, token);
        var message = await system.Api.PostAsync(room, token, "routed");

        Assert.Equal(message.Id, (await stream.MessagesAsync(1)).Single().Id);
        Assert.Equal(new RoomFanoutSnapshot(Held: true, Bound: true, Streams: 1), await FanoutAsync(0, room));
        Assert.Equal(new RoomFanoutSnapshot(Held: false, Bound: false, Streams: 0), await FanoutAsync(1, room));
    }

    [Fact]
    public async Task A_replica_unbinds_a_room_when_its_last_stream_there_closes()
    {
        var (room, token) = await RoomWithMemberAsync();
        var first = await SseSubscription.OpenAsync(system.Replica(0), room, token);
        await using (var second = await SseSubscription.OpenAsync(system.Replica(0), room, token))
        {
            await system.Api.PostAsync(room, token, "both hear it");
            await second.MessagesAsync(1);
            await first.DisposeAsync();
            await WaitForAsync(0, room, snapshot => snapshot.Streams == 1);
            Assert.True((await FanoutAsync(0, room)).Bound); // one stream is still open
        }

        Assert.Equal(new RoomFanoutSnapshot(Held: false, Bound: false, Streams: 0), await WaitForAsync(0, room, snapshot => !snapshot.Bound));
    }

    [Fact]
    public async Task A_room_left_and_joined_again_at_once_ends_up_bound_and_live()
    {
        var (room, token) = await RoomWithMemberAsync();
        for (var churn = 0; churn < 15; churn++)
        {
            var brief = await SseSubscription.OpenAsync(system.Replica(0), room, token);
            await brief.DisposeAsync();
        }

        await using var stream = await SseSubscription.OpenAsync(system.Replica(0), room, token);
        var message = await system.Api.PostAsync(room, token, "after the churn");

        Assert.Equal(message.Id, (await stream.MessagesAsync(1)).Single().Id);
        Assert.True((await WaitForAsync(0, room, snapshot => snapshot.Bound)).Bound);
    }

    [Fact]
    public async Task Each_replica_delivers_the_rooms_it_holds_and_binds_only_those()
    {
        var (first, firstToken) = await RoomWithMemberAsync();
        var (second, secondToken) = await RoomWithMemberAsync();
        await using var onFirstReplica = await SseSubscription.OpenAsync(system.Replica(0), first, firstToken);
        await using var onSecondReplica = await SseSubscription.OpenAsync(system.Replica(1), second, secondToken);

        var toFirst = await system.Api.PostAsync(first, firstToken, "for replica 0");
        var toSecond = await system.Api.PostAsync(second, secondToken, "for replica 1");

        Assert.Equal(toFirst.Id, (await onFirstReplica.MessagesAsync(1)).Single().Id);
        Assert.Equal(toSecond.Id, (await onSecondReplica.MessagesAsync(1)).Single().Id);
        Assert.Equal((true, false), ((await FanoutAsync(0, first)).Bound, (await FanoutAsync(0, second)).Bound));
        Assert.Equal((false, true), ((await FanoutAsync(1, first)).Bound, (await FanoutAsync(1, second)).Bound));
    }

    private async Task<(string Room, string Token)> RoomWithMemberAsync()
    {
        var room = (await system.Api.CreateRoomAsync()).Id;
        return (room, await system.Api.AdmitAsync(room));
    }

    private async Task<RoomFanoutSnapshot> FanoutAsync(int replica, string room)
    {
        using var http = new HttpClient { BaseAddress = system.Replica(replica) };
        return (await http.GetFromJsonAsync<RoomFanoutSnapshot>($"internal/fanout/rooms/{room}"))!;
    }

    private async Task<RoomFanoutSnapshot> WaitForAsync(int replica, string room, Func<RoomFanoutSnapshot, bool> condition)
    {
        var deadline = DateTime.UtcNow + Settle;
        while (true)
        {
            var snapshot = await FanoutAsync(replica, room);
            if (condition(snapshot) || DateTime.UtcNow > deadline) return snapshot;
            await Task.Delay(50);
        }
    }
}
