using Microsoft.AspNetCore.Http.HttpResults;

namespace CuteRooms.Realtime.Fanout;

/// <summary>What this replica holds and consumes, for operators and the bench (its rooms' share of the events).</summary>
public sealed record FanoutSnapshot(string Queue, int RoomsHeld, int RoomsBound, int Streams, long EventsForHeldRooms, long EventsForOtherRooms);

/// <summary>One room on this replica: whether it holds streams of it, and whether the room's events are bound to its queue.</summary>
public sealed record RoomFanoutSnapshot(bool Held, bool Bound, int Streams);

/// <summary>
/// <c>GET /internal/fanout</c>: on the replica's own address only; the Web's gateway forwards
/// <c>/realtime/**</c> and nothing else, so browsers never reach it.
/// </summary>
public static class FanoutDiagnosticsEndpoints
{
    public static IEndpointRouteBuilder MapFanoutDiagnostics(this IEndpointRouteBuilder app)
    {
        var fanout = app.MapGroup("/internal/fanout").WithTags("Diagnostics").ExcludeFromDescription();
        fanout.MapGet("/", Snapshot);
        fanout.MapGet("/rooms/{id}", RoomSnapshot);
        return app;
    }

    internal static Ok<FanoutSnapshot> Snapshot(RoomHub hub, RoomEventBindings bindings, RoomEventQueue queue, RealtimeMetrics metrics)
    {
        var (rooms, streams) = hub.Counts();
        var (held, other) = metrics.EventsReceived;
        return TypedResults.Ok(new FanoutSnapshot(queue.Name, rooms, bindings.BoundRooms, streams, held, other));
    }

    internal static Ok<RoomFanoutSnapshot> RoomSnapshot(string id, RoomHub hub, RoomEventBindings bindings)
    {
        var streams = hub.Streams(id);
        return TypedResults.Ok(new RoomFanoutSnapshot(streams > 0, bindings.IsBound(id), streams));
    }
}
