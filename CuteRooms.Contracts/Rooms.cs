namespace CuteRooms.Contracts;

/// <summary>
/// Body of <c>POST /api/rooms</c>; every field is optional. <see cref="Encrypted"/>: an end-to-end
/// encrypted room, whose messages the server only ever holds as <see cref="EncryptedText"/>.
/// </summary>
public sealed record CreateRoomRequest(string? Name = null, int? TtlSeconds = null, int? MaxMembers = null, bool? Encrypted = null);

/// <summary>A room as the API shows it. <see cref="Members"/> have joined; <see cref="Online"/> are connected now.</summary>
public sealed record RoomResponse(
    string Id,
    string Name,
    int TtlSeconds,
    DateTimeOffset ExpiresAt,
    long Members,
    long Online,
    int? MaxMembers,
    bool Encrypted = false);

/// <summary>Body of the gatekeeper's admission call: the token the browser presented, if any.</summary>
public sealed record AdmissionRequest(string? Token = null);

/// <summary>
/// The gatekeeper's answer: the token to keep (new when <see cref="IsNewToken"/>), the display name
/// of that token in this room, its public author id (to set own messages apart) and the room.
/// </summary>
public sealed record AdmissionResponse(
    string Token,
    bool IsNewToken,
    string DisplayName,
    string AuthorId,
    RoomResponse Room);
