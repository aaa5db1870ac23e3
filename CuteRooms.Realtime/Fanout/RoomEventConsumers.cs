using CuteRooms.Contracts;
using MassTransit;

namespace CuteRooms.Realtime.Fanout;

// A replica's queue is bound to the rooms it holds streams for; each consumer hands the event to the
// room's pump (no I/O here). An event of a room no longer held (it was left while the event was on
// its way) is dropped and counted.

public sealed class MessagePostedConsumer(RoomHub hub, RealtimeMetrics metrics) : IConsumer<MessagePosted>
{
    public Task Consume(ConsumeContext<MessagePosted> context)
    {
        metrics.EventReceived(hub.Dispatch(context.Message.RoomId, new RoomSignal.Posted(context.Message)));
        return Task.CompletedTask;
    }
}

public sealed class RoomDestroyedConsumer(RoomHub hub, RealtimeMetrics metrics) : IConsumer<RoomDestroyed>
{
    public Task Consume(ConsumeContext<RoomDestroyed> context)
    {
        metrics.EventReceived(hub.Dispatch(context.Message.RoomId, new RoomSignal.Ended(Destroyed: true)));
        return Task.CompletedTask;
    }
}

public sealed class PresenceChangedConsumer(RoomHub hub, RealtimeMetrics metrics) : IConsumer<PresenceChanged>
{
    public Task Consume(ConsumeContext<PresenceChanged> context)
    {
        var changed = context.Message;
        metrics.EventReceived(changed.Changes is { Length: > 0 } changes
            ? hub.Dispatch(changed.RoomId, new RoomSignal.MembersChanged(changes))
            : hub.RequestPresenceRefresh(changed.RoomId));
        return Task.CompletedTask;
    }
}

public sealed class MemberTypingConsumer(RoomHub hub, RealtimeMetrics metrics) : IConsumer<MemberTyping>
{
    public Task Consume(ConsumeContext<MemberTyping> context)
    {
        metrics.EventReceived(hub.Dispatch(context.Message.RoomId, new RoomSignal.Typing(context.Message.Notice)));
        return Task.CompletedTask;
    }
}
