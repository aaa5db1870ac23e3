using MassTransit;

namespace CuteRooms.Api.Rooms;

/// <summary>
/// Announces what the Api stored. Redis holds the truth before any event leaves, so a failed publish
/// is logged, not answered as an error: Realtime catches up from the stream (the next event shows the
/// gap, its heartbeat sees the newest message and notices a room that is gone). Not tied to the
/// request: once stored, a change is announced even if the caller has left.
/// </summary>
public sealed class RoomEvents(IBus bus, ILogger<RoomEvents> logger)
{
    public async Task PublishAsync<TEvent>(TEvent integrationEvent) where TEvent : class
    {
        try
        {
            await bus.Publish(integrationEvent);
        }
        catch (Exception exception)
        {
            logger.LogWarning(exception, "{Event} was stored but could not be published: {Details}", typeof(TEvent).Name, integrationEvent);
        }
    }
}
