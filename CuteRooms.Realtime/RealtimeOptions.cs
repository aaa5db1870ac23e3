using System.ComponentModel.DataAnnotations;

namespace CuteRooms.Realtime;

/// <summary>Tuning of the fan-out, from the <c>Realtime</c> configuration section; validated on start.</summary>
public sealed class RealtimeOptions
{
    public const string SectionName = "Realtime";

    /// <summary>Frames a subscriber may have queued; one that falls further behind is disconnected and resumes by id.</summary>
    [Range(8, 100_000)] public int OutboxCapacity { get; set; } = 256;

    /// <summary>A comment line this often keeps proxies from closing an idle stream.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")] public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often live streams refresh the <c>online</c> set, sweep stale entries and notice an expired room.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")] public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>An <c>online</c> entry not refreshed for this long belongs to a dead stream (e.g. a killed replica).</summary>
    [Range(typeof(TimeSpan), "00:00:02", "00:30:00")] public TimeSpan OnlineStaleAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Presence changes within this window reach subscribers as one <c>presence</c> event.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")] public TimeSpan PresenceCoalescing { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>At most this many messages are replayed to a reconnecting subscriber (the stream is capped anyway).</summary>
    [Range(1, 1_000_000)] public int MaxReplay { get; set; } = 1_000;

    /// <summary>The reconnection delay suggested to browsers (SSE <c>retry:</c>).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")] public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);
}
