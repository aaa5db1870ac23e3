using System.ComponentModel.DataAnnotations;

namespace CuteRooms.Api.Limits;

/// <summary>
/// What one client may do through the Api, from the <c>RateLimits</c> configuration section; validated
/// on start. Each is counted in Redis, so it holds for all Api replicas together. (Realtime reads its
/// open-streams limit from the same section.)
/// </summary>
public sealed class AbuseLimitOptions
{
    public const string SectionName = "RateLimits";

    /// <summary>Rooms one client address may create per minute.</summary>
    [Range(1, int.MaxValue)] public int RoomsPerMinute { get; set; } = 30;

    /// <summary>New members (admissions that add someone to a room) one client address may make per minute.</summary>
    [Range(1, int.MaxValue)] public int AdmissionsPerMinute { get; set; } = 60;

    /// <summary>Messages one member may post per second, sustained…</summary>
    [Range(1, int.MaxValue)] public int MessagesPerSecond { get; set; } = 5;

    /// <summary>…and in a burst.</summary>
    [Range(1, int.MaxValue)] public int MessageBurst { get; set; } = 20;

    /// <summary>Messages all members behind one client address may post per second, sustained…</summary>
    [Range(1, int.MaxValue)] public int AddressMessagesPerSecond { get; set; } = 20;

    /// <summary>…and in a burst.</summary>
    [Range(1, int.MaxValue)] public int AddressMessageBurst { get; set; } = 60;

    /// <summary>Renames and typing announcements one member may make per second, sustained…</summary>
    [Range(1, int.MaxValue)] public int MemberUpdatesPerSecond { get; set; } = 2;

    /// <summary>…and at once.</summary>
    [Range(1, int.MaxValue)] public int MemberUpdateBurst { get; set; } = 10;
}
