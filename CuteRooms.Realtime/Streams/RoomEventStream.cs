using System.Buffers;
using System.IO.Pipelines;
using CuteRooms.Contracts;
using CuteRooms.Realtime.Fanout;
using CuteRooms.Realtime.Presence;
using Microsoft.AspNetCore.Http.Features;

namespace CuteRooms.Realtime.Streams;

/// <summary>
/// One member's SSE response: the current presence, the replay after <c>Last-Event-ID</c> read
/// straight from the stream, then the frames its room's pump queues, until the client leaves, the
/// room ends, or the subscriber falls behind (then it reconnects and resumes by id). A stream
/// without <c>Last-Event-ID</c> starts at the tail its <paramref name="connection"/> read before
/// the headers went out, so a message posted as soon as the client sees them still reaches it.
/// </summary>
public sealed class RoomEventStream(
    Subscriber subscriber,
    string? resumeAfter,
    Connection connection,
    StreamLease lease,
    RoomReader reader,
    RoomHub hub,
    IntegrationEventPublisher events,
    RealtimeMetrics metrics,
    RealtimeOptions options) : IResult
{
    public async Task ExecuteAsync(HttpContext http)
    {
        var response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        http.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();

        var aborted = http.RequestAborted;
        var body = response.BodyWriter;
        var joined = false;
        metrics.Connected();
        try
        {
            body.Write(SseFrame.Retry(ReconnectDelay()).Bytes.Span);
            // A client that came without a resume point gets one: however this stream ends (its
            // outbox overflowed, the replica stopped), it resumes from there and misses nothing.
            if (resumeAfter is null) body.Write(SseFrame.ResumePoint(connection.Tail).Bytes.Span);
            body.Write(SseFrame.Presence(connection.Presence!).Bytes.Span);
            await body.FlushAsync(aborted);

            if (connection.CameOnline) events.PublishInBackground(new PresenceChanged(subscriber.RoomId));

            var position = resumeAfter is null ? connection.Tail : await ReplayAsync(body, resumeAfter, aborted);
            joined = hub.Join(subscriber, position);
            await WriteFramesAsync(body, aborted);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away: nothing more to write.
        }
        finally
        {
            // Connecting put the token in `online`, so leaving must take it out, joined or not.
            await LeaveAsync(joined);
            await lease.DisposeAsync();
            metrics.Disconnected();
        }
    }

    /// <summary>The suggested reconnection delay, spread so a stopped replica's streams do not all return at once.</summary>
    private TimeSpan ReconnectDelay() => options.ReconnectDelay + options.ReconnectJitter * Random.Shared.NextDouble();

    /// <summary>Writes everything after <paramref name="afterId"/>, page by page; returns the id of the last one written.</summary>
    private async Task<string> ReplayAsync(PipeWriter body, string afterId, CancellationToken aborted)
    {
        while (true)
        {
            var page = await reader.ReadAfterAsync(subscriber.RoomId, afterId, untilId: null, options.ReplayPageSize);
            if (page.Count == 0) return afterId;

            foreach (var message in page) body.Write(SseFrame.Message(message).Bytes.Span);
            afterId = page[^1].Id;
            await body.FlushAsync(aborted);
            if (page.Count < options.ReplayPageSize) return afterId;
        }
    }

    private async Task WriteFramesAsync(PipeWriter body, CancellationToken aborted)
    {
        var frames = subscriber.Frames;
        while (await frames.WaitToReadAsync(aborted))
        {
            // Drain what is queued, then flush once: one write to the socket for a burst.
            while (frames.TryRead(out var frame)) body.Write(frame.Bytes.Span);
            var flushed = await body.FlushAsync(aborted);
            if (flushed.IsCompleted) return;
        }
    }

    private async Task LeaveAsync(bool joined)
    {
        var lastStreamOfToken = joined ? hub.Leave(subscriber) : !hub.HasStream(subscriber.RoomId, subscriber.Token);
        if (!lastStreamOfToken) return; // the same token still has a stream here
        try
        {
            if (await reader.DisconnectAsync(subscriber.RoomId, subscriber.Token))
                await events.PublishAsync(new PresenceChanged(subscriber.RoomId));
        }
        catch (Exception)
        {
            // Redis failed: the heartbeat of other streams sweeps the stale entry within OnlineStaleAfter.
        }
    }
}
