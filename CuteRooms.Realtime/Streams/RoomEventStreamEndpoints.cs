using CuteRooms.Contracts;
using CuteRooms.Realtime.Fanout;
using CuteRooms.Realtime.Presence;
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
    internal static async Task<Results<RoomEventStream, ValidationProblem, ProblemHttpResult, RateLimitedHttpResult>> Subscribe(
        string id,
        [FromHeader(Name = "Last-Event-ID")] string? lastEventIdHeader,
        [FromQuery] string? lastEventId,
        HttpContext http,
        StreamLimiter limiter,
        RoomReader reader,
        RoomHub hub,
        IntegrationEventPublisher events,
        RealtimeMetrics metrics,
        TimeProvider time,
        IOptions<RealtimeOptions> options)
    {
        if (AuthCookie.TokenFrom(http.Request) is not { } token)
            return ProblemResults.MissingToken();
        if (!RoomIds.IsValid(id))
            return ProblemResults.RoomNotFound();

        var resumeAfter = string.IsNullOrEmpty(lastEventIdHeader) ? lastEventId : lastEventIdHeader;
        if (!string.IsNullOrEmpty(resumeAfter) && !StreamIds.IsValid(resumeAfter))
            return ProblemResults.Invalid("Last-Event-ID", "A message id such as 1700000000000-0.");

        if (await limiter.TryAcquireAsync(token) is not { } lease)
        {
            metrics.StreamRefused();
            return ProblemDetailsDefaults.RateLimited(StreamLimiter.RetryAfter);
        }

        Connection connection;
        try
        {
            connection = await reader.ConnectAsync(id, token);
        }
        catch
        {
            await lease.DisposeAsync(); // the stream never opened
            throw;
        }
        if (connection.Outcome != ConnectOutcome.Ok) await lease.DisposeAsync();
        switch (connection.Outcome)
        {
            case ConnectOutcome.Missing: return ProblemResults.RoomNotFound();
            case ConnectOutcome.Forbidden: return ProblemResults.NotAMember();
        }

        return new RoomEventStream(new Subscriber(id, token, options.Value, time),
            string.IsNullOrEmpty(resumeAfter) ? null : resumeAfter, connection, lease, reader, hub, events, metrics, options.Value);
    }
}
