using System.ComponentModel.DataAnnotations;

namespace CuteRooms.Realtime;

/// <summary>Tuning of the fan-out, from the <c>Realtime</c> configuration section; validated on start.</summary>
public sealed class RealtimeOptions : IValidatableObject
{
    public const string SectionName = "Realtime";

    /// <summary>Frames a subscriber may have queued; one that falls further behind is disconnected and resumes by id.</summary>
    [Range(8, 100_000)] public int OutboxCapacity { get; set; } = 256;

    /// <summary>A stream whose oldest frame not yet taken by its connection is older than this is cut off; its client resumes by id.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")] public TimeSpan MaxLag { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>…and so is one whose frames not yet taken pass this many bytes (a burst of large messages).</summary>
    [Range(16 * 1024, 64 * 1024 * 1024)] public int MaxQueuedBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// The kernel send buffer of a stream that has its connection to itself (HTTP/1.1; the gateway's
    /// HTTP/2 connection is shared and left alone). Small, so a stalled reader's backlog waits in the
    /// outbox, where its lag is measured, instead of in the kernel; 0 leaves the system's default.
    /// </summary>
    [Range(0, 4 * 1024 * 1024)] public int SocketSendBufferBytes { get; set; } = 16 * 1024;

    /// <summary>A comment line this often keeps proxies from closing an idle stream.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")] public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often live streams refresh the <c>online</c> set, sweep stale entries and notice an expired room.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")] public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// An <c>online</c> entry not refreshed for this long belongs to a dead stream (e.g. a killed replica);
    /// with the heartbeat, a dead replica's members leave the counts within this plus one beat (13 s).
    /// The Api's <c>Rooms:OnlineStaleAfterSeconds</c> must say the same.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:02", "00:30:00")] public TimeSpan OnlineStaleAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>While the broker connection is down, held rooms are read from Redis this often (see BrokerOutageFallback).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:30")] public TimeSpan FallbackPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A room's first stream waits at most this long for the room's events to be bound to this replica's queue.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")] public TimeSpan BindingTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Presence changes within this window reach subscribers as one <c>presence</c> event.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")] public TimeSpan PresenceCoalescing { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>A reconnecting subscriber's missed messages are read from the stream this many at a time.</summary>
    [Range(1, 10_000)] public int ReplayPageSize { get; set; } = 200;

    /// <summary>The reconnection delay suggested to browsers (SSE <c>retry:</c>)…</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")] public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>…plus a random share of this, so the streams of a stopped replica do not all come back at once.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")] public TimeSpan ReconnectJitter { get; set; } = TimeSpan.FromSeconds(2);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // Live entries and stream leases must be refreshed before they count as stale.
        if (HeartbeatInterval * 2 > OnlineStaleAfter)
            yield return new ValidationResult("Realtime:OnlineStaleAfter must be at least twice Realtime:HeartbeatInterval.");
    }
}
