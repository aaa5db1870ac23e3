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

    /// <summary>
    /// Queues a frame; false only when this frame found the outbox full, so the stream ends now (a
    /// subscriber whose stream already ended is leaving and is not counted again).
    /// </summary>
    internal bool TryEnqueue(SseFrame frame) =>
        outbox.Writer.TryWrite(frame) || !outbox.Writer.TryComplete();

    /// <summary>Queues a message unless this subscriber already has it; false when it just fell behind.</summary>
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
