using CuteRooms.Contracts;
using CuteRooms.Realtime.Fanout;
using CuteRooms.Realtime.Presence;
using CuteRooms.Realtime.Streams;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CuteRooms.Realtime.Tests;

/// <summary>
/// A replica that misses or reorders events must still deliver the room's stream in order, once.
/// Here one replica's hub runs in the test against the real Redis, and the test plays the broker.
/// </summary>
public sealed class GapFillingTests(SystemFixture system) : IAsyncDisposable
{
    private readonly ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    [Fact]
    public async Task A_replica_that_missed_events_reads_them_from_the_stream_before_the_one_it_got()
    {
        var (hub, room, token, subscriber) = await JoinedSubscriberAsync();
        var posted = new List<MessageResponse>();
        for (var i = 0; i < 3; i++) posted.Add(await system.Api.PostAsync(room, token, $"m{i}"));

        hub.Dispatch(room, new RoomSignal.Posted(new MessagePosted(room, posted[1].Id, posted[2])));

        Assert.Equal(posted.Select(message => message.Id), await ReadMessageIdsAsync(subscriber, 3));
    }

    [Fact]
    public async Task An_event_that_arrives_after_its_gap_was_filled_is_not_delivered_twice()
    {
        var (hub, room, token, subscriber) = await JoinedSubscriberAsync();
        var first = await system.Api.PostAsync(room, token, "first");
        var second = await system.Api.PostAsync(room, token, "second");
        var third = await system.Api.PostAsync(room, token, "third");

        hub.Dispatch(room, new RoomSignal.Posted(new MessagePosted(room, first.Id, second)));
        hub.Dispatch(room, new RoomSignal.Posted(new MessagePosted(room, null, first)));
        hub.Dispatch(room, new RoomSignal.Posted(new MessagePosted(room, second.Id, third)));

        Assert.Equal([first.Id, second.Id, third.Id], await ReadMessageIdsAsync(subscriber, 3));
        hub.BroadcastKeepAlive();
        Assert.Empty(await ReadMessageIdsAsync(subscriber, 1, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task A_client_claiming_a_position_past_the_stream_cannot_stop_delivery_to_others()
    {
        var (hub, room, token, _) = await JoinedSubscriberAsync(after: "9999999999999-0");
        var other = await JoinAsync(hub, room, await system.Api.AdmitAsync(room));
        var message = await system.Api.PostAsync(room, token, "still live");

        hub.Dispatch(room, new RoomSignal.Posted(new MessagePosted(room, null, message)));

        Assert.Equal([message.Id], await ReadMessageIdsAsync(other, 1));
    }

    [Fact]
    public async Task A_gap_larger_than_an_outbox_takes_ends_the_streams_so_they_resume_by_id()
    {
        var (hub, room, token, subscriber) = await JoinedSubscriberAsync(outboxCapacity: 8); // at most 4 at once
        var posted = new List<MessageResponse>();
        for (var i = 0; i < 6; i++) posted.Add(await system.Api.PostAsync(room, token, $"m{i}"));

        hub.Dispatch(room, new RoomSignal.Posted(new MessagePosted(room, posted[4].Id, posted[5])));

        Assert.Empty(await ReadMessageIdsAsync(subscriber, 1, TimeSpan.FromSeconds(2)));
        await subscriber.Outbox.Completion.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task The_newest_message_whose_event_never_came_is_delivered_at_the_beat_after_the_one_that_saw_it()
    {
        var (hub, room, token, subscriber) = await JoinedSubscriberAsync();
        var lost = await system.Api.PostAsync(room, token, "its event was lost");

        hub.Dispatch(room, new RoomSignal.TailSeen(lost.Id));
        hub.Dispatch(room, new RoomSignal.TailSeen(lost.Id));

        Assert.Equal([lost.Id], await ReadMessageIdsAsync(subscriber, 1));
    }

    [Fact]
    public async Task A_beat_does_not_take_messages_whose_events_may_still_be_on_their_way()
    {
        var (hub, room, token, subscriber) = await JoinedSubscriberAsync(outboxCapacity: 8); // a gap of 4 would end the stream
        var posted = new List<MessageResponse>();
        for (var i = 0; i < 6; i++) posted.Add(await system.Api.PostAsync(room, token, $"m{i}"));

        hub.Dispatch(room, new RoomSignal.TailSeen(posted[^1].Id));
        string? previous = null;
        foreach (var message in posted)
        {
            hub.Dispatch(room, new RoomSignal.Posted(new MessagePosted(room, previous, message)));
            previous = message.Id;
        }

        Assert.Equal(posted.Select(message => message.Id), await ReadMessageIdsAsync(subscriber, 6));
        Assert.False(subscriber.Outbox.Completion.IsCompleted);
    }

    [Fact]
    public async Task While_events_are_held_up_a_beat_takes_everything_up_to_the_tail()
    {
        var (hub, room, token, subscriber) = await JoinedSubscriberAsync();
        var stored = await system.Api.PostAsync(room, token, "the broker is down");

        hub.Dispatch(room, new RoomSignal.TailSeen(stored.Id, EventsHeldUp: true));

        Assert.Equal([stored.Id], await ReadMessageIdsAsync(subscriber, 1));
    }

    private async Task<(RoomHub Hub, string Room, string Token, Subscriber Subscriber)> JoinedSubscriberAsync(int outboxCapacity = 64, string after = EmptyRoomTail)
    {
        var redis = await ConnectionMultiplexer.ConnectAsync(TestSystem.RedisConnectionString);
        var options = Options.Create(new RealtimeOptions { OutboxCapacity = outboxCapacity });
        var reader = new RoomReader(redis, options, TimeProvider.System);
        var hub = new RoomHub(reader, new EventsFromTheTest(), new RealtimeMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()),
            NullLogger<RoomHub>.Instance, TimeProvider.System, options);

        var room = (await system.Api.CreateRoomAsync()).Id;
        var token = await system.Api.AdmitAsync(room);
        return (hub, room, token, await JoinAsync(hub, room, token, outboxCapacity, after));
    }

    /// <summary>Where a stream of a room without messages starts, as the stream endpoint reads it at connect.</summary>
    private const string EmptyRoomTail = "0-0";

    private static async Task<Subscriber> JoinAsync(RoomHub hub, string room, string token, int outboxCapacity = 64, string after = EmptyRoomTail)
    {
        var subscriber = new Subscriber(room, token, new RealtimeOptions { OutboxCapacity = outboxCapacity }, TimeProvider.System);
        hub.Join(subscriber, after);

        // The keep-alive comes out once the pump has taken the join in.
        hub.BroadcastKeepAlive();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (await subscriber.Outbox.WaitToReadAsync(deadline.Token))
        {
            if (subscriber.Outbox.TryRead(out var queued) && queued.Frame == SseFrame.KeepAlive) break;
        }
        return subscriber;
    }

    private static async Task<List<string>> ReadMessageIdsAsync(Subscriber subscriber, int count, TimeSpan? timeout = null)
    {
        var ids = new List<string>();
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(5));
        try
        {
            while (ids.Count < count && await subscriber.Outbox.WaitToReadAsync(deadline.Token))
            {
                while (ids.Count < count && subscriber.Outbox.TryRead(out var queued))
                {
                    if (queued.Frame.Id is not null) ids.Add(queued.Frame.Id); // skip presence and keep-alive frames
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        return ids;
    }

    public async ValueTask DisposeAsync() => await services.DisposeAsync();

    /// <summary>The test plays the broker: a room's events reach the hub as soon as it holds the room.</summary>
    private sealed class EventsFromTheTest : IRoomEventRouting
    {
        public void Want(string roomId) { }
        public void Drop(string roomId) { }
        public Task WhenBoundAsync(string roomId) => Task.CompletedTask;
    }
}
