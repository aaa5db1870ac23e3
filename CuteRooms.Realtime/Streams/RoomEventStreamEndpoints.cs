using CuteRooms.Contracts;
using CuteRooms.Realtime.Fanout;
using CuteRooms.Realtime.Presence;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace CuteRooms.Realtime.Streams;

public static class RoomEventStreamEndpoints
{
    public static IEndpointRouteBuilder MapRoomEventStreams(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/realtime/rooms").WithTags("Realtime")
            .MapGet("/{id}/events", Subscribe);
        return app;
    }

    /// <summary>
    /// Opens a member's stream: replays what came after <c>Last-Event-ID</c> (header, or the
    /// <c>lastEventId</c> query for clients that cannot set it), then live events.
    /// </summary>
    internal static async Task<Results<RoomEventStream, ProblemHttpResult>> Subscribe(
        string id,
        [FromHeader(Name = "Last-Event-ID")] string? lastEventIdHeader,
        [FromQuery] string? lastEventId,
        HttpRequest request,
        RoomReader reader,
        RoomHub hub,
        IBus bus,
        RealtimeMetrics metrics,
        IOptions<RealtimeOptions> options)
    {
        if (!request.Cookies.TryGetValue(AuthCookie.Name, out var token) || !RoomIds.IsValid(token))
            return Problem(StatusCodes.Status401Unauthorized, ProblemTypes.MissingToken, "Not admitted", "Open the room's link first.");
        if (!RoomIds.IsValid(id))
            return RoomNotFound();

        var resumeAfter = string.IsNullOrEmpty(lastEventIdHeader) ? lastEventId : lastEventIdHeader;
        if (!string.IsNullOrEmpty(resumeAfter) && !StreamIds.IsValid(resumeAfter))
            return Problem(StatusCodes.Status400BadRequest, ProblemTypes.ValidationFailed, "Invalid Last-Event-ID", "Expected a message id such as 1700000000000-0.");

        var connection = await reader.ConnectAsync(id, token);
        switch (connection.Outcome)
        {
            case ConnectOutcome.Missing: return RoomNotFound();
            case ConnectOutcome.Forbidden:
                return Problem(StatusCodes.Status403Forbidden, ProblemTypes.NotAMember, "Not a member", "Your token was not admitted to this room.");
        }

        if (connection.CameOnline) await bus.Publish(new PresenceChanged(id));
        return new RoomEventStream(new Subscriber(id, token, options.Value.OutboxCapacity),
            string.IsNullOrEmpty(resumeAfter) ? null : resumeAfter, connection.Presence!, reader, hub, bus, metrics, options.Value);
    }

    private static ProblemHttpResult RoomNotFound() =>
        Problem(StatusCodes.Status404NotFound, ProblemTypes.RoomNotFound, "Room not found", "The room does not exist, has expired or was destroyed.");

    private static ProblemHttpResult Problem(int status, string type, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title, type: type);
}
