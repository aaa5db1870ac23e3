using System.Diagnostics;
using System.Threading.Channels;
using CuteRooms.Contracts;
using CuteRooms.Realtime.Presence;
using CuteRooms.Realtime.Streams;

namespace CuteRooms.Realtime.Fanout;

/// <summary>
/// The local subscribers of one room on this replica and the one loop that feeds them. Joins,
/// leaves, events and presence refreshes are processed in order by a single reader, so the
/// subscriber list needs no lock and a reconnecting subscriber's catch-up cannot race live events.
/// Each event is formatted once and the same frame is queued to every subscriber.
/// </summary>
internal sealed class RoomPump
{
    private readonly Channel<RoomSignal> inbox = Channel.CreateUnbounded<RoomSignal>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<Subscriber> subscribers = [];
    private readonly RoomReader reader;
    private readonly IRoomEventRouting bindings;
    private readonly RealtimeMetrics metrics;
    private readonly ILogger logger;
    private readonly TimeProvider time;
    private readonly RealtimeOptions options;
    private int presenceRefreshScheduled;

    /// <summary>Member changes not yet passed on; the next presence refresh carries them.</summary>
    private readonly List<MemberChange> pendingChanges = [];

    /// <summary>More changes than this in one refresh window make it a resync: pages read the list again.</summary>
    private const int MaxChangesPerEvent = 100;

    /// <summary>The newest message of the room delivered here, read from the stream's tail; null until someone joined.</summary>
    private StreamPosition? lastDelivered;

    /// <summary>The tail the previous heartbeat saw: messages up to it have had a beat for their events to come.</summary>
    private StreamPosition tailAtPreviousBeat;

    /// <summary>Set once the room ended (destroyed, expired) or the replica is stopping; late joiners get it at once.</summary>
    private bool ended;
    private SseFrame? finalFrame;

    public RoomPump(string roomId, RoomReader reader, IRoomEventRouting bindings, RealtimeMetrics metrics, ILogger logger, TimeProvider time, RealtimeOptions options)
    {
        RoomId = roomId;
        this.reader = reader;
        this.bindings = bindings;
        this.metrics = metrics;
        this.logger = logger;
        this.time = time;
        this.options = options;
        _ = Task.Run(RunAsync); // ends when Close() completes the inbox; each signal's failure is handled inside
    }

    public string RoomId { get; }

    /// <summary>
    /// At most this many missed messages are queued to subscribers in one go (half an outbox);
    /// beyond that they resume by id, which the stream endpoint replays page by page.
    /// </summary>
    private int CatchUpLimit => Math.Max(1, options.OutboxCapacity / 2);

    public void Post(RoomSignal signal) => inbox.Writer.TryWrite(signal);

    /// <summary>Asks for one presence refresh soon; requests within the coalescing window share it.</summary>
    public void RequestPresenceRefresh()
    {
        if (Interlocked.Exchange(ref presenceRefreshScheduled, 1) == 1) return;
        _ = Task.Delay(options.PresenceCoalescing, time).ContinueWith(
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
                DisconnectEveryone();
            }
        }
    }

    private Task ProcessAsync(RoomSignal signal) => signal switch
    {
        RoomSignal.Join join => JoinAsync(join.Subscriber, join.After),
        RoomSignal.Leave leave => Leave(leave.Subscriber),
        RoomSignal.Posted posted => DeliverAsync(posted.Event),
        RoomSignal.TailSeen tail => CatchUpAsync(tail),
        RoomSignal.Ended end => End(end.Destroyed ? SseFrame.Destroyed : SseFrame.Expired),
        RoomSignal.DisconnectAll => End(null),
        RoomSignal.RefreshPresence => RefreshPresenceAsync(),
        RoomSignal.KeepAlive => Broadcast(SseFrame.KeepAlive),
        RoomSignal.MembersChanged changed => MembersChanged(changed.Changes),
        RoomSignal.Typing typing => Broadcast(SseFrame.Typing(typing.Notice)),
        _ => throw new UnreachableException(),
    };

    private async Task JoinAsync(Subscriber subscriber, string after)
    {
        if (ended)
        {
            subscriber.Complete(finalFrame);
            return;
        }
        subscribers.Add(subscriber);
        // The counts this stream opened with were read before it joined: a change announced in
        // between found no one here. A (coalesced) refresh closes that window.
        RequestPresenceRefresh();

        // The room's position here is the stream's tail, never what a client claims to have seen.
        // Read once the room's events reach this replica: every message after it then arrives as an event.
        if (lastDelivered is null)
        {
            await WhenEventsArriveAsync();
            lastDelivered = await reader.ReadTailAsync(RoomId);
        }
        var delivered = lastDelivered.Value;
        var resume = StreamPosition.Parse(after);

        if (resume < delivered)
        {
            // Behind the room: what it missed up to where live delivery stands; later ones come live.
            var missed = await reader.ReadAfterAsync(RoomId, resume.ToString(), delivered.ToString(), CatchUpLimit);
            if (missed.Count >= CatchUpLimit)
            {
                subscribers.Remove(subscriber);
                subscriber.Complete(); // too far behind for its outbox: it resumes by id, replayed page by page
                return;
            }
            foreach (var message in missed) subscriber.TryDeliver(SseFrame.Message(message));
            subscriber.LastSent = delivered;
        }
        else if (resume > delivered)
        {
            // It has messages whose events are still on their way here (e.g. from the page it
            // rendered); trust that only as far as the stream actually goes.
            var tail = await reader.ReadTailAsync(RoomId);
            subscriber.LastSent = resume < tail ? resume : tail;
        }
        else
        {
            subscriber.LastSent = delivered;
        }
    }

    /// <summary>
    /// Waits (bounded) for the room's binding. Past the bound the room goes on without it: a message
    /// whose event does not come is caught up from the stream by the next event's gap or the heartbeat.
    /// </summary>
    private async Task WhenEventsArriveAsync()
    {
        try
        {
            await bindings.WhenBoundAsync(RoomId).WaitAsync(options.BindingTimeout, time);
        }
        catch (TimeoutException)
        {
            logger.LogWarning("Room {RoomId}: its events were not bound within {Timeout}; it is caught up from Redis meanwhile", RoomId, options.BindingTimeout);
        }
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

        if (StreamPosition.Parse(posted.PreviousId) > delivered)
        {
            // A gap: this replica missed or has not yet received earlier events. Redis has them all.
            await FillGapAsync(delivered, posted.Message.Id);
        }
        else
        {
            Fan(SseFrame.Message(posted.Message));
            lastDelivered = position;
        }
        metrics.FanOutCompleted(time.GetUtcNow() - posted.Message.SentAt);
    }

    /// <summary>
    /// The heartbeat saw the stream's tail: an event for the newest message may have been lost (and a
    /// subscriber may have stalled with nothing new to notice it by). Only messages already stored at
    /// the previous beat count as lost: in a busy room, events still on their way would otherwise look
    /// like a gap past the catch-up limit and end every stream of the room at once.
    /// </summary>
    private async Task CatchUpAsync(RoomSignal.TailSeen seen)
    {
        CutOffLaggards();
        var tail = StreamPosition.Parse(seen.TailId);
        var overdue = seen.EventsHeldUp || tail < tailAtPreviousBeat ? tail : tailAtPreviousBeat;
        if (!seen.EventsHeldUp) tailAtPreviousBeat = tail;
        if (lastDelivered is { } delivered && overdue > delivered)
        {
            await FillGapAsync(delivered, overdue.ToString());
        }
    }

    private async Task FillGapAsync(StreamPosition delivered, string untilId)
    {
        metrics.GapFilled();
        var missed = await reader.ReadAfterAsync(RoomId, delivered.ToString(), untilId, CatchUpLimit);
        if (missed.Count >= CatchUpLimit)
        {
            // More than outboxes should take at once: everyone resumes by id instead, losing nothing.
            DisconnectEveryone();
            return;
        }
        foreach (var message in missed) Fan(SseFrame.Message(message));
        if (missed.Count > 0) lastDelivered = StreamPosition.Parse(missed[^1].Id);
    }

    private void Fan(SseFrame message)
    {
        foreach (var subscriber in subscribers)
        {
            if (!subscriber.TryDeliver(message)) metrics.SubscriberFellBehind();
        }
        metrics.Delivered(subscribers.Count);
    }

    /// <summary>Subscribers that fell behind are noticed when a frame is queued to them; in a quiet room, by the heartbeat here.</summary>
    private void CutOffLaggards()
    {
        foreach (var subscriber in subscribers)
        {
            if (subscriber.CutOffIfBehind()) metrics.SubscriberFellBehind();
        }
    }

    private Task Broadcast(SseFrame frame)
    {
        foreach (var subscriber in subscribers)
        {
            if (!subscriber.TryEnqueue(frame)) metrics.SubscriberFellBehind();
        }
        return Task.CompletedTask;
    }

    private Task MembersChanged(IReadOnlyList<MemberChange> changes)
    {
        if (subscribers.Count == 0 || ended) return Task.CompletedTask;
        // Past the limit only the count matters: the event says resync instead of listing them.
        if (pendingChanges.Count <= MaxChangesPerEvent) pendingChanges.AddRange(changes);
        RequestPresenceRefresh();
        return Task.CompletedTask;
    }

    private async Task RefreshPresenceAsync()
    {
        Volatile.Write(ref presenceRefreshScheduled, 0);
        if (subscribers.Count == 0 || ended) return;
        if (await reader.ReadPresenceAsync(RoomId) is { } presence)
        {
            if (pendingChanges.Count > MaxChangesPerEvent) presence = presence with { Resync = true };
            else if (pendingChanges.Count > 0) presence = presence with { Changes = Latest(pendingChanges) };
            pendingChanges.Clear();
            await Broadcast(SseFrame.Presence(presence));
        }
    }

    /// <summary>The last change of each member, members in the order their first change was seen.</summary>
    private static List<MemberChange> Latest(List<MemberChange> changes)
    {
        var latest = new Dictionary<string, MemberChange>();
        foreach (var change in changes)
        {
            // A change without a name keeps the name an earlier one in the window brought.
            latest[change.Id] = change.Name is null && latest.TryGetValue(change.Id, out var earlier) ? change with { Name = earlier.Name } : change;
        }
        return [.. latest.Values];
    }

    /// <summary>Ends every stream without a final event; each client resumes by id (here or elsewhere).</summary>
    private void DisconnectEveryone()
    {
        foreach (var subscriber in subscribers) subscriber.Complete();
        subscribers.Clear();
        lastDelivered = null; // the next joiner reads the tail again
    }

    private Task End(SseFrame? frame)
    {
        ended = true;
        finalFrame = frame;
        foreach (var subscriber in subscribers) subscriber.Complete(frame);
        return Task.CompletedTask;
    }
}
