using System.Buffers;
using System.IO.Pipelines;
using CuteRooms.Contracts;
using CuteRooms.Realtime.Fanout;
using CuteRooms.Realtime.Presence;
using MassTransit;
using Microsoft.AspNetCore.Http.Features;

namespace CuteRooms.Realtime.Streams;

/// <summary>
/// One member's SSE response: the current presence, the replay after <c>Last-Event-ID</c> read
/// straight from the stream, then the frames its room's pump queues, until the client leaves, the
/// room ends, or the subscriber falls behind (then it reconnects and resumes by id).
/// </summary>
public sealed class RoomEventStream(
    Subscriber subscriber,
    string? resumeAfter,
    PresenceSnapshot presence,
    RoomReader reader,
    RoomHub hub,
    IBus bus,
    RealtimeMetrics metrics,
    RealtimeOptions options) : IResult
{
    private const int ReplayPage = 200;

    public async Task ExecuteAsync(HttpContext http)
    {
        var response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        http.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();

        var aborted = http.RequestAborted;
        var body = response.BodyWriter;
        metrics.Connected();
        try
        {
            body.Write(SseFrame.Retry(options.ReconnectDelay).Bytes.Span);
            body.Write(SseFrame.Presence(presence).Bytes.Span);
            await body.FlushAsync(aborted);

            var position = resumeAfter is null ? null : await ReplayAsync(body, resumeAfter, aborted);
            hub.Join(subscriber, position);
            try
            {
                await WriteFramesAsync(body, aborted);
            }
            finally
            {
                await LeaveAsync();
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away: nothing more to write.
        }
        finally
        {
            metrics.Disconnected();
        }
    }

    /// <summary>Writes everything after <paramref name="afterId"/>, page by page; returns the id of the last one written.</summary>
    private async Task<string> ReplayAsync(PipeWriter body, string afterId, CancellationToken aborted)
    {
        while (true)
        {
            var page = await reader.ReadAfterAsync(subscriber.RoomId, afterId, untilId: null, ReplayPage);
            if (page.Count == 0) return afterId;

            foreach (var message in page) body.Write(SseFrame.Message(message).Bytes.Span);
            afterId = page[^1].Id;
            await body.FlushAsync(aborted);
            if (page.Count < ReplayPage) return afterId;
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

    private async Task LeaveAsync()
    {
        if (!hub.Leave(subscriber)) return; // the same token still has a stream here
        try
        {
            if (await reader.DisconnectAsync(subscriber.RoomId, subscriber.Token))
                await bus.Publish(new PresenceChanged(subscriber.RoomId));
        }
        catch (Exception)
        {
            // The heartbeat of other streams sweeps the stale entry within OnlineStaleAfter.
        }
    }
}
