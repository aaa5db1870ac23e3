using System.Text;
using System.Text.Json;
using CuteRooms.Contracts;

namespace CuteRooms.Realtime.Streams;

/// <summary>
/// One server-sent event, formatted to bytes once per replica and written as-is to every subscriber
/// (TypedResults.ServerSentEvents would format and serialize it again for each one).
/// Ids and event names never contain line breaks, and compact JSON has none, so one <c>data:</c> line suffices.
/// </summary>
public sealed class SseFrame
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull, // a presence without changes says nothing of them
    };

    private SseFrame(byte[] bytes, string? id, StreamPosition position)
    {
        Bytes = bytes;
        Id = id;
        Position = position;
    }

    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>The message id for <c>message</c> events; null otherwise.</summary>
    public string? Id { get; }

    public StreamPosition Position { get; }

    public static SseFrame KeepAlive { get; } = new(": keep-alive\n\n"u8.ToArray(), null, default);

    public static SseFrame Message(MessageResponse message) =>
        new(Format(RoomEventTypes.Message, message.Id, JsonSerializer.SerializeToUtf8Bytes(message, Json)),
            message.Id, StreamPosition.Parse(message.Id));

    public static SseFrame Presence(PresenceSnapshot presence) =>
        new(Format(RoomEventTypes.Presence, null, JsonSerializer.SerializeToUtf8Bytes(presence, Json)), null, default);

    public static SseFrame Typing(MemberTypingNotice typing) =>
        new(Format(RoomEventTypes.Typing, null, JsonSerializer.SerializeToUtf8Bytes(typing, Json)), null, default);

    public static SseFrame Destroyed { get; } = new(Format(RoomEventTypes.Destroyed, null, "{}"u8), null, default);

    public static SseFrame Expired { get; } = new(Format(RoomEventTypes.Expired, null, "{}"u8), null, default);

    /// <summary>
    /// An id with no event: it sets the client's last event id (EventSource resumes from it) without
    /// dispatching anything.
    /// </summary>
    public static SseFrame ResumePoint(string id) => new(Encoding.UTF8.GetBytes($"id: {id}\n\n"), null, default);

    public static SseFrame Retry(TimeSpan delay) =>
        new(Encoding.UTF8.GetBytes($"retry: {(long)delay.TotalMilliseconds}\n\n"), null, default);

    private static byte[] Format(string eventType, string? id, ReadOnlySpan<byte> data)
    {
        var header = id is null ? $"event: {eventType}\ndata: " : $"id: {id}\nevent: {eventType}\ndata: ";
        var headerLength = Encoding.UTF8.GetByteCount(header);
        var bytes = new byte[headerLength + data.Length + 2];
        Encoding.UTF8.GetBytes(header, bytes);
        data.CopyTo(bytes.AsSpan(headerLength));
        bytes[^2] = (byte)'\n';
        bytes[^1] = (byte)'\n';
        return bytes;
    }
}

/// <summary>A stream id (<c>ms-seq</c>) as numbers, so subscribers compare positions without parsing.</summary>
public readonly record struct StreamPosition(long Milliseconds, long Sequence) : IComparable<StreamPosition>
{
    public static StreamPosition Parse(string? id) =>
        StreamIds.TryParse(id, out var parsed) ? new StreamPosition(parsed.Ms, parsed.Seq) : default;

    public int CompareTo(StreamPosition other) => (Milliseconds, Sequence).CompareTo((other.Milliseconds, other.Sequence));

    public static bool operator <(StreamPosition a, StreamPosition b) => a.CompareTo(b) < 0;
    public static bool operator >(StreamPosition a, StreamPosition b) => a.CompareTo(b) > 0;
    public static bool operator <=(StreamPosition a, StreamPosition b) => a.CompareTo(b) <= 0;
    public static bool operator >=(StreamPosition a, StreamPosition b) => a.CompareTo(b) >= 0;

    public override string ToString() => $"{Milliseconds}-{Sequence}";
}
