namespace CuteRooms.Contracts;

/// <summary>Body of <c>POST /api/rooms/{id}/messages</c>.</summary>
public sealed record PostMessageRequest(string? Text);

/// <summary>
/// A stored message. <see cref="Id"/> is the Redis stream id, so ids sort in the room's order.
/// <see cref="AuthorId"/> is a public id of the author in this room (never the secret token).
/// </summary>
public sealed record MessageResponse(string Id, string Author, string AuthorId, string Text, DateTimeOffset SentAt);

/// <summary>
/// Data of the SSE <c>presence</c> event: the counts, and what became of the members that changed
/// since the last one (<see cref="Changes"/>; never the whole list). <see cref="Resync"/>: more changed
/// than one event carries, so a page reads the list again.
/// </summary>
public sealed record PresenceSnapshot(long Online, long Members, DateTimeOffset? ExpiresAt,
    IReadOnlyList<MemberChange>? Changes = null, bool Resync = false);

/// <summary>Names of the events on <c>GET /realtime/rooms/{id}/events</c>.</summary>
public static class RoomEventTypes
{
    public const string Message = "message";
    public const string Presence = "presence";
    public const string Typing = "typing";
    public const string Destroyed = "destroyed";
    public const string Expired = "expired";
}
