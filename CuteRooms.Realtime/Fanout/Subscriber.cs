using System.Threading.Channels;
using CuteRooms.Realtime.Streams;

namespace CuteRooms.Realtime.Fanout;

/// <summary>A frame in a subscriber's outbox, with when it was queued (a <see cref="TimeProvider"/> timestamp).</summary>
public readonly record struct QueuedFrame(SseFrame Frame, long QueuedAt);

/// <summary>
/// One open SSE stream. Frames wait in a bounded outbox. A subscriber is cut off by lag, not by
/// buffer size: once the oldest frame its socket has not taken is older than
/// <see cref="RealtimeOptions.MaxLag"/>, or the bytes it has not taken pass
/// <see cref="RealtimeOptions.MaxQueuedBytes"/>, its connection is aborted and the client resumes by id.
/// </summary>
public sealed class Subscriber(string roomId, string token, RealtimeOptions options, TimeProvider time)
{
    private readonly Channel<QueuedFrame> outbox = Channel.CreateBounded<QueuedFrame>(
        new BoundedChannelOptions(options.OutboxCapacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly CancellationTokenSource cutOff = new();

    /// <summary>Bytes queued and not yet flushed to the socket.</summary>
    private long pendingBytes;

    /// <summary>When the oldest frame of the batch being flushed was queued; 0 while no flush is pending.</summary>
    private long flushingSince;

    /// <summary>1 once cut off or once its stream is over: then it is neither cut off nor counted again.</summary>
    private int finished;

    /// <summary>1 once no more frames are taken (the stream ends with what it has, or is over).</summary>
    private int completed;

    public string RoomId { get; } = roomId;
    public string Token { get; } = token;

    /// <summary>The last message this subscriber was given; only its room's pump touches it.</summary>
    internal StreamPosition LastSent { get; set; }

    public ChannelReader<QueuedFrame> Outbox => outbox.Reader;

    /// <summary>Cancelled when this subscriber fell too far behind: its stream aborts the connection.</summary>
    public CancellationToken CutOff => cutOff.Token;

    /// <summary>
    /// Queues a frame; false only when this frame found the subscriber too far behind (outbox full,
    /// lag or bytes over their bound), so it is cut off now (one already cut off or ended is leaving
    /// and is not counted again).
    /// </summary>
    internal bool TryEnqueue(SseFrame frame)
    {
        var now = time.GetTimestamp();
        if (Volatile.Read(ref pendingBytes) > 0 && IsBehind(now)) return !TryCutOff();

        Interlocked.Add(ref pendingBytes, frame.Bytes.Length);
        if (outbox.Writer.TryWrite(new QueuedFrame(frame, now))) return true;
        Interlocked.Add(ref pendingBytes, -frame.Bytes.Length);
        // Full, or completed (the stream is ending with what it has): only a full one falls behind.
        return Volatile.Read(ref completed) == 1 || !TryCutOff();
    }

    /// <summary>Queues a message unless this subscriber already has it; false when it just fell behind.</summary>
    internal bool TryDeliver(SseFrame message)
    {
        if (message.Position <= LastSent) return true;
        LastSent = message.Position;
        return TryEnqueue(message);
    }

    /// <summary>Cuts the subscriber off if it fell behind while nothing new was queued to it (a quiet room); true when it did.</summary>
    internal bool CutOffIfBehind() => Volatile.Read(ref pendingBytes) > 0 && IsBehind(time.GetTimestamp()) && TryCutOff();

    /// <summary>
    /// Ends the stream after the frames already queued, optionally with a final event. A reader that
    /// stalls meanwhile is still cut off by its lag.
    /// </summary>
    internal void Complete(SseFrame? finalFrame = null)
    {
        if (finalFrame is not null && outbox.Writer.TryWrite(new QueuedFrame(finalFrame, time.GetTimestamp())))
            Interlocked.Add(ref pendingBytes, finalFrame.Bytes.Length);
        Volatile.Write(ref completed, 1);
        outbox.Writer.TryComplete();
    }

    /// <summary>Its stream is over (the client left, or it was cut off): nothing is cut off or counted after this.</summary>
    internal void StreamEnded()
    {
        Volatile.Write(ref finished, 1);
        Volatile.Write(ref completed, 1);
        outbox.Writer.TryComplete();
    }

    /// <summary>The stream's writer took frames queued since <paramref name="oldestQueuedAt"/> and is flushing them.</summary>
    internal void Flushing(long oldestQueuedAt) => Volatile.Write(ref flushingSince, oldestQueuedAt);

    /// <summary>The socket took <paramref name="bytes"/>.</summary>
    internal void Flushed(long bytes)
    {
        Volatile.Write(ref flushingSince, 0);
        Interlocked.Add(ref pendingBytes, -bytes);
    }

    private bool IsBehind(long now)
    {
        if (Volatile.Read(ref pendingBytes) > options.MaxQueuedBytes) return true;
        var oldest = Volatile.Read(ref flushingSince);
        if (oldest == 0 && outbox.Reader.TryPeek(out var head)) oldest = head.QueuedAt;
        return oldest != 0 && time.GetElapsedTime(oldest, now) > options.MaxLag;
    }

    /// <summary>True when this call cut the subscriber off; false when it was cut off before or its stream is over.</summary>
    private bool TryCutOff()
    {
        if (Interlocked.Exchange(ref finished, 1) == 1) return false;
        Volatile.Write(ref completed, 1);
        outbox.Writer.TryComplete();
        // Callbacks (the stream aborting its connection) run on the thread pool, not on the room's pump.
        _ = cutOff.CancelAsync();
        return true;
    }
}
