using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
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
/// A subscriber that falls behind has its connection aborted (see <see cref="Subscriber"/>); on a
/// connection of its own, the kernel's send buffer is kept small so that a stalled reader's backlog
/// stays in the outbox, where its lag is seen, and is dropped with the connection.
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
        var socket = StreamSockets.OwnSocket(http);
        using var cutOff = subscriber.CutOff.Register(() => AbortConnection(http, socket));
        var joined = false;
        metrics.Connected();
        try
        {
            if (socket is not null && options.SocketSendBufferBytes > 0) StreamSockets.SetSendBuffer(socket, options.SocketSendBufferBytes);
            body.Write(SseFrame.Retry(ReconnectDelay()).Bytes.Span);
            // A client that came without a resume point gets one: however this stream ends (its
            // outbox overflowed, the replica stopped), it resumes from there and misses nothing.
            if (resumeAfter is null) body.Write(SseFrame.ResumePoint(connection.Tail).Bytes.Span);
            body.Write(SseFrame.Presence(connection.Presence!).Bytes.Span);
            if (!await FlushWithinLagAsync(body, http, socket)) return;

            if (connection.CameOnline) events.PublishInBackground(new PresenceChanged(subscriber.RoomId, [new MemberChange(AuthorId, connection.Name, Online: true)]));

            var position = resumeAfter is null ? connection.Tail : await ReplayAsync(body, resumeAfter, http, socket);
            if (position is null) return; // the replay did not go out within the lag bound
            joined = hub.Join(subscriber, position);
            await WriteFramesAsync(body, aborted);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away: nothing more to write.
        }
        finally
        {
            subscriber.StreamEnded(); // what it still had queued no longer counts against it
            // Connecting put the token in `online`, so leaving must take it out, joined or not.
            await LeaveAsync(joined);
            await lease.DisposeAsync();
            metrics.Disconnected();
        }
    }

    private string AuthorId => AuthorIds.For(subscriber.RoomId, subscriber.Token);

    /// <summary>The suggested reconnection delay, spread so a stopped replica's streams do not all return at once.</summary>
    private TimeSpan ReconnectDelay() => options.ReconnectDelay + options.ReconnectJitter * Random.Shared.NextDouble();

    /// <summary>
    /// Writes everything after <paramref name="afterId"/>, page by page; returns the id of the last
    /// one written, or null when a page was not taken within the lag bound (the connection is aborted).
    /// </summary>
    private async Task<string?> ReplayAsync(PipeWriter body, string afterId, HttpContext http, Socket? socket)
    {
        while (true)
        {
            var page = await reader.ReadAfterAsync(subscriber.RoomId, afterId, untilId: null, options.ReplayPageSize);
            if (page.Count == 0) return afterId;

            foreach (var message in page) body.Write(SseFrame.Message(message).Bytes.Span);
            afterId = page[^1].Id;
            if (!await FlushWithinLagAsync(body, http, socket)) return null;
            if (page.Count < options.ReplayPageSize) return afterId;
        }
    }

    /// <summary>A flush outside the outbox (opening, replay) is held to the same lag bound; false when it was not met.</summary>
    private async Task<bool> FlushWithinLagAsync(PipeWriter body, HttpContext http, Socket? socket)
    {
        using var lag = new CancellationTokenSource(options.MaxLag);
        using var flush = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lag.Token);
        // Registered after the linked source, so it runs before the flush is cancelled (Kestrel then aborts).
        using var reset = lag.Token.Register(() => DropUnsentOnClose(socket));
        try
        {
            return !(await body.FlushAsync(flush.Token)).IsCompleted;
        }
        catch (OperationCanceledException) when (lag.IsCancellationRequested)
        {
            metrics.SubscriberFellBehind();
            AbortConnection(http, socket);
            return false;
        }
    }

    private async Task WriteFramesAsync(PipeWriter body, CancellationToken aborted)
    {
        var outbox = subscriber.Outbox;
        while (await outbox.WaitToReadAsync(aborted))
        {
            // Drain what is queued, then flush once: one write to the socket for a burst.
            long oldestQueuedAt = 0, bytes = 0;
            while (outbox.TryRead(out var queued))
            {
                if (oldestQueuedAt == 0) oldestQueuedAt = queued.QueuedAt;
                body.Write(queued.Frame.Bytes.Span);
                bytes += queued.Frame.Bytes.Length;
            }
            subscriber.Flushing(oldestQueuedAt);
            var flushed = await body.FlushAsync(aborted);
            subscriber.Flushed(bytes);
            if (flushed.IsCompleted || flushed.IsCanceled) return;
        }
    }

    /// <summary>
    /// Ends a stream that fell behind at once. On a connection of its own, what the kernel still holds
    /// for it is dropped (a reset, not a close a stalled peer would keep waiting for minutes).
    /// </summary>
    private static void AbortConnection(HttpContext http, Socket? socket)
    {
        DropUnsentOnClose(socket);
        http.Abort();
    }

    private static void DropUnsentOnClose(Socket? socket)
    {
        if (socket is not null) StreamSockets.ResetOnClose(socket, reset: true);
    }

    private async Task LeaveAsync(bool joined)
    {
        var lastStreamOfToken = joined ? hub.Leave(subscriber) : !hub.HasStream(subscriber.RoomId, subscriber.Token);
        if (!lastStreamOfToken) return; // the same token still has a stream here
        try
        {
            if (await reader.DisconnectAsync(subscriber.RoomId, subscriber.Token))
                await events.PublishAsync(new PresenceChanged(subscriber.RoomId, [new MemberChange(AuthorId, Name: null, Online: false)]));
        }
        catch (Exception)
        {
            // Redis failed: the heartbeat of other streams sweeps the stale entry within OnlineStaleAfter.
        }
    }
}
