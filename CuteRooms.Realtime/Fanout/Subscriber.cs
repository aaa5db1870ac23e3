using System.Threading.Channels;
using CuteRooms.Realtime.Streams;

namespace CuteRooms.Realtime.Fanout;

/// <summary>
/// One open SSE stream. Frames wait in a bounded outbox; a subscriber that cannot keep up is
/// disconnected (it resumes from its last id) instead of growing memory.
/// </summary>
public sealed class Subscriber(string roomId, string token, int outboxCapacity)
{
    private readonly Channel<SseFrame> outbox = Channel.CreateBounded<SseFrame>(
        new BoundedChannelOptions(outboxCapacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });

    public string RoomId { get; } = roomId;
    public string Token { get; } = token;

    /// <summary>The last message this subscriber was given; only its room's pump touches it.</summary>
    internal StreamPosition LastSent { get; set; }

    public ChannelReader<SseFrame> Frames => outbox.Reader;

    /// <summary>True when the outbox was full and the stream is being closed.</summary>
    public bool FellBehind { get; private set; }

    /// <summary>Queues a frame; false when the subscriber fell behind (its stream ends) or already ended.</summary>
    internal bool TryEnqueue(SseFrame frame)
    {
        if (outbox.Writer.TryWrite(frame)) return true;
        FellBehind |= outbox.Writer.TryComplete();
        return false;
    }

    /// <summary>Queues a message unless this subscriber already has it; false when it fell behind.</summary>
    internal bool TryDeliver(SseFrame message)
    {
        if (message.Position <= LastSent) return true;
        LastSent = message.Position;
        return TryEnqueue(message);
    }

    /// <summary>Ends the stream after the frames already queued, optionally with a final event.</summary>
    internal void Complete(SseFrame? finalFrame = null)
    {
        if (finalFrame is not null) outbox.Writer.TryWrite(finalFrame);
        outbox.Writer.TryComplete();
    }
}
