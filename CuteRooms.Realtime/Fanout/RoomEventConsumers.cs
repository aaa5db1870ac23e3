using CuteRooms.Contracts;
using MassTransit;

namespace CuteRooms.Realtime.Fanout;

// Every replica consumes every event through its own auto-delete queue; each hands the event to
// the room's pump (no I/O here) or drops it at once when no local subscriber is in that room.

public sealed class MessagePostedConsumer(RoomHub hub) : IConsumer<MessagePosted>
{
    public Task Consume(ConsumeContext<MessagePosted> context)
    {
        hub.Dispatch(context.Message.RoomId, new RoomSignal.Posted(context.Message));
        return Task.CompletedTask;
    }
}

public sealed class RoomDestroyedConsumer(RoomHub hub) : IConsumer<RoomDestroyed>
{
    public Task Consume(ConsumeContext<RoomDestroyed> context)
    {
        hub.Dispatch(context.Message.RoomId, new RoomSignal.Ended(Destroyed: true));
        return Task.CompletedTask;
    }
}

public sealed class PresenceChangedConsumer(RoomHub hub) : IConsumer<PresenceChanged>
{
    public Task Consume(ConsumeContext<PresenceChanged> context)
    {
        hub.RequestPresenceRefresh(context.Message.RoomId);
        return Task.CompletedTask;
    }
}
