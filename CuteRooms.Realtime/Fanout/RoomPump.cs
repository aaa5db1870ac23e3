using System.Diagnostics;
using System.Threading.Channels;
using CuteRooms.Contracts;
using CuteRooms.Realtime.Presence;
using CuteRooms.Realtime.Streams;

namespace CuteRooms.Realtime.Fanout;

/// <summary>
/// The local subscribers of one room on this replica and the one loop that feeds them. Joins,
/// leaves, events and presence refreshes are processed in order by a single reader, so the
/// subscriber list needs no lock and a reconnecting subscriber's replay cannot race live events.
/// Each event is formatted once and the same frame is queued to every subscriber.
/// </summary>
internal sealed class RoomPump
{
    private readonly Channel<RoomSignal> inbox = Channel.CreateUnbounded<RoomSignal>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<Subscriber> subscribers = [];
    private readonly RoomReader reader;
    private readonly RealtimeMetrics metrics;
    private readonly ILogger logger;
    private readonly TimeProvider time;
    private readonly TimeSpan presenceCoalescing;
    private int presenceRefreshScheduled;

    /// <summary>The newest message of the room delivered here; null until the first subscriber joined.</summary>
    private StreamPosition? lastDelivered;

    public RoomPump(string roomId, RoomReader reader, RealtimeMetrics metrics, ILogger logger, TimeProvider time, TimeSpan presenceCoalescing)
    {
        RoomId = roomId;
        this.reader = reader;
        this.metrics = metrics;
        this.logger = logger;
        this.time = time;
        this.presenceCoalescing = presenceCoalescing;
        Completion = Task.Run(RunAsync);
    }

    public string RoomId { get; }

    public Task Completion { get; }

    public void Post(RoomSignal signal) => inbox.Writer.TryWrite(signal);

    /// <summary>Asks for one presence refresh soon; requests within the coalescing window share it.</summary>
    public void RequestPresenceRefresh()
    {
        if (Interlocked.Exchange(ref presenceRefreshScheduled, 1) == 1) return;
        _ = Task.Delay(presenceCoalescing, time).ContinueWith(
            static (_, state) => ((RoomPump)state!).Post(RoomSignal.Refresh), this, TaskScheduler.Default);
    }

    /// <summary>No more signals: the pump drains what it has and stops.</summary>
    public void Close() => inbox.Writer.TryComplete();

    private async Task RunAsync()
    {
        await foreach (var signal in inbox.Reader.ReadAllAsync())
        {
            try
            {
                await ProcessAsync(signal);
            }
            catch (Exception exception)
            {
                // Redis failed us mid-way: end every stream; each resumes from its last id, losing nothing.
                logger.LogWarning(exception, "Room {RoomId}: {Signal} failed; disconnecting its subscribers so they resume", RoomId, signal.GetType().Name);
                foreach (var subscriber in subscribers) subscriber.Complete();
                lastDelivered = null;
            }
        }
    }

    private Task ProcessAsync(RoomSignal signal) => signal switch
    {
        RoomSignal.Join join => JoinAsync(join.Subscriber, join.LastEventId),
        RoomSignal.Leave leave => Leave(leave.Subscriber),
        RoomSignal.Posted posted => DeliverAsync(posted.Event),
        RoomSignal.Ended ended => End(ended.Destroyed ? SseFrame.Destroyed : SseFrame.Expired),
        RoomSignal.RefreshPresence => RefreshPresenceAsync(),
        RoomSignal.KeepAlive => Broadcast(SseFrame.KeepAlive),
        RoomSignal.DisconnectAll => End(finalFrame: null),
        _ => throw new UnreachableException(),
    };

    private async Task JoinAsync(Subscriber subscriber, string? lastEventId)
    {
        subscribers.Add(subscriber);
        // The counts this stream opened with were read before it joined: a change announced in
        // between found no one here. A (coalesced) refresh closes that window.
        RequestPresenceRefresh();
        var resumeFrom = lastEventId is null ? (StreamPosition?)null : StreamPosition.Parse(lastEventId);

        if (lastDelivered is not { } delivered)
        {
            // First subscriber here: the room's position is the stream's tail (or the resume point).
            var replay = resumeFrom is { } from ? await reader.ReadAfterAsync(RoomId, from.ToString(), null) : [];
            foreach (var message in replay) subscriber.TryDeliver(SseFrame.Message(message));
            lastDelivered = replay.Count > 0
                ? StreamPosition.Parse(replay[^1].Id)
                : resumeFrom ?? await reader.ReadTailAsync(RoomId);
            subscriber.LastSent = lastDelivered.Value;
            return;
        }

        if (resumeFrom is { } resume && resume < delivered)
        {
            // Behind the room: replay what it missed up to where live delivery stands; later ones come live.
            foreach (var message in await reader.ReadAfterAsync(RoomId, resume.ToString(), delivered.ToString()))
            {
                subscriber.TryDeliver(SseFrame.Message(message));
            }
        }
        subscriber.LastSent = resumeFrom is { } r && r > delivered ? r : delivered;
    }

    private Task Leave(Subscriber subscriber)
    {
        subscribers.Remove(subscriber);
        return Task.CompletedTask;
    }

    private async Task DeliverAsync(MessagePosted posted)
    {
        var position = StreamPosition.Parse(posted.Message.Id);
        if (lastDelivered is not { } delivered || position <= delivered) return; // no one here yet, or already delivered

        var previous = StreamPosition.Parse(posted.PreviousId);
        if (previous > delivered)
        {
            // A gap: this replica missed or has not yet received earlier events. Redis has them all.
            metrics.GapFilled();
            foreach (var message in await reader.ReadAfterAsync(RoomId, delivered.ToString(), posted.Message.Id))
            {
                Fan(SseFrame.Message(message));
            }
        }
        else
        {
            Fan(SseFrame.Message(posted.Message));
        }
        lastDelivered = position;
        metrics.FanOutCompleted(time.GetUtcNow() - posted.Message.SentAt);
    }

    private void Fan(SseFrame message)
    {
        var delivered = 0;
        foreach (var subscriber in subscribers)
        {
            if (subscriber.TryDeliver(message)) delivered++;
            else metrics.SubscriberFellBehind();
        }
        metrics.Delivered(delivered);
    }

    private Task Broadcast(SseFrame frame)
    {
        foreach (var subscriber in subscribers)
        {
            if (!subscriber.TryEnqueue(frame)) metrics.SubscriberFellBehind();
        }
        return Task.CompletedTask;
    }

    private async Task RefreshPresenceAsync()
    {
        Volatile.Write(ref presenceRefreshScheduled, 0);
        if (subscribers.Count == 0) return;
        if (await reader.ReadPresenceAsync(RoomId) is { } presence)
        {
            await Broadcast(SseFrame.Presence(presence));
        }
    }

    private Task End(SseFrame? finalFrame)
    {
        foreach (var subscriber in subscribers) subscriber.Complete(finalFrame);
        return Task.CompletedTask;
    }
}
