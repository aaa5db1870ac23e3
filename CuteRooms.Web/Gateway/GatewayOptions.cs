using System.ComponentModel.DataAnnotations;

namespace CuteRooms.Web.Gateway;

/// <summary>Settings of the same-origin gateway, from the <c>Gateway</c> configuration section; validated on start.</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>
    /// How long a proxied response may stay silent before it is cut. Realtime writes a heartbeat
    /// comment every 15 s, so an idle SSE stream stays well inside this.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:20", "01:00:00")]
    public TimeSpan ActivityTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>How often each destination's <c>/alive</c> is probed; two misses in a row take it out of rotation.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan HealthCheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A browser's event stream whose peer has acknowledged nothing for this long while data waits
    /// for it is ended (it resumes by id); Realtime's <c>Realtime:MaxLag</c> bounds the same lag on its side.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:02", "00:10:00")]
    public TimeSpan StalledStreamTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The kernel send buffer of a browser's event-stream connection (see <see cref="EventStreamConnection"/>);
    /// 0 leaves the system's default, which grows to megabytes for a reader that stalls.
    /// </summary>
    [Range(0, 4 * 1024 * 1024)]
    public int StreamSendBufferBytes { get; set; } = 16 * 1024;

    /// <summary>
    /// Streams of a room go to one Realtime replica (<see cref="RoomAffinityBalancing"/>) unless it holds
    /// this many more streams through this gateway than the least busy replica; then the room's next choice takes the new ones.
    /// </summary>
    [Range(0, 1_000_000)]
    public int RoomSpillStreams { get; set; } = 2_000;
}
