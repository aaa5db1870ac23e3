namespace CuteRooms.Contracts;

// Integration events published by the Api through MassTransit. Redis stays the source of truth:
// these only tell Realtime replicas that something happened.

/// <summary>
/// A message was stored. <see cref="PreviousId"/> is the id of the message before it in the room,
/// read by the same script that stored it, so a replica can tell when it missed one.
/// </summary>
public sealed record MessagePosted(string RoomId, string? PreviousId, MessageResponse Message);

/// <summary>A member destroyed the room; its keys are already gone.</summary>
public sealed record RoomDestroyed(string RoomId);

/// <summary>
/// Who joined or is online changed; replicas re-read the counts once per room and pass
/// <see cref="Changes"/> (the members it concerns, when the publisher knows them) on to the pages.
/// </summary>
public sealed record PresenceChanged(string RoomId, MemberChange[]? Changes = null);

/// <summary>A member is typing in the room. Never stored; carries no text.</summary>
public sealed record MemberTyping(string RoomId, MemberTypingNotice Notice);
