using System.ComponentModel.DataAnnotations;

namespace CuteRooms.Api.Rooms;

/// <summary>Limits of rooms and messages, from the <c>Rooms</c> configuration section; validated on start.</summary>
public sealed class RoomOptions
{
    public const string SectionName = "Rooms";

    [Range(1, 86_400)] public int DefaultTtlSeconds { get; set; } = 600;
    [Range(1, 86_400)] public int MinTtlSeconds { get; set; } = 60;
    [Range(1, 86_400)] public int MaxTtlSeconds { get; set; } = 86_400;
    [Range(1, 200)] public int MaxNameLength { get; set; } = 60;
    [Range(2, int.MaxValue)] public int MinMembersLimit { get; set; } = 2;
    [Range(2, int.MaxValue)] public int MaxMembersLimit { get; set; } = 100_000;
    [Range(1, 100_000)] public int MaxMessageLength { get; set; } = 2_000;

    /// <summary>The stream keeps about this many messages (XADD MAXLEN ~).</summary>
    [Range(10, 1_000_000)] public int MessageHistoryLength { get; set; } = 1_000;

    [Range(1, 1_000)] public int DefaultHistoryPage { get; set; } = 100;
    [Range(1, 1_000)] public int MaxHistoryPage { get; set; } = 500;

    /// <summary>A member's typing is announced at most this often; pages show it for a few seconds after each.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:05")] public TimeSpan TypingCoalescing { get; set; } = TimeSpan.FromMilliseconds(1500);

    /// <summary>An <c>online</c> entry older than this is not counted (Realtime refreshes live ones); Realtime's <c>Realtime:OnlineStaleAfter</c>.</summary>
    [Range(1, 3_600)] public int OnlineStaleAfterSeconds { get; set; } = 10;
}
