using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace CuteRooms.Web.Gateway;

/// <summary>
/// Ends a browser's event stream whose peer has acknowledged nothing for
/// <see cref="GatewayOptions.StalledStreamTimeout"/> while data waits for it: every byte sent since
/// is older than the bound, however few the gateway's buffers hold. The kernel's own count of
/// acknowledged bytes says so (Linux <c>TCP_INFO</c>), read four times a second for all streams, with
/// no cost on the path of a frame; a stream is ended within a sweep (250 ms) after the bound.
/// Realtime cuts a stream off by its lag as well, but the forwarder, stuck writing to a stalled
/// browser, would only see that when the browser took something again.
/// </summary>
public sealed class StalledStreamWatch(IOptions<GatewayOptions> options, TimeProvider time, ILogger<StalledStreamWatch> logger) : BackgroundService
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMilliseconds(250);

    private readonly ConcurrentDictionary<Watched, byte> streams = new();
    private volatile bool unsupported = !OperatingSystem.IsLinux();

    private sealed class Watched(HttpContext http, Socket socket, long now)
    {
        public Lock Gate { get; } = new();
        public HttpContext Http { get; } = http;
        public Socket Socket { get; } = socket;
        public ulong Acknowledged { get; set; }
        public long ProgressAt { get; set; } = now;

        /// <summary>Set (under <see cref="Gate"/>) when its response is over: Kestrel reuses the context for the connection's next request.</summary>
        public bool Over { get; set; }
    }

    /// <summary>Watches the stream until the returned handle is disposed (its response is over); null where the kernel cannot tell.</summary>
    public IDisposable? Watch(HttpContext http, Socket socket)
    {
        if (unsupported) return null;
        var watched = new Watched(http, socket, time.GetTimestamp());
        streams.TryAdd(watched, 0);
        return new Unwatch(this, watched);
    }

    private sealed class Unwatch(StalledStreamWatch watch, Watched watched) : IDisposable
    {
        public void Dispose()
        {
            lock (watched.Gate) watched.Over = true;
            watch.streams.TryRemove(watched, out _);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SweepInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) Sweep();
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private void Sweep()
    {
        var now = time.GetTimestamp();
        foreach (var (watched, _) in streams) // enumerates in place: Keys would copy every stream four times a second
        {
            try
            {
                Check(watched, now);
            }
            catch (Exception exception)
            {
                // One stream's trouble must not stop the watch (nor, through it, the host).
                streams.TryRemove(watched, out _);
                logger.LogWarning(exception, "Watching an event stream failed; it is no longer watched");
            }
        }
    }

    private void Check(Watched watched, long now)
    {
        if (!TryReadProgress(watched.Socket, out var acknowledged, out var waiting))
        {
            streams.TryRemove(watched, out _); // closed
            return;
        }
        if (acknowledged != watched.Acknowledged || !waiting)
        {
            watched.Acknowledged = acknowledged;
            watched.ProgressAt = now;
            return;
        }
        if (time.GetElapsedTime(watched.ProgressAt, now) <= options.Value.StalledStreamTimeout) return;

        lock (watched.Gate)
        {
            if (watched.Over) return;
            streams.TryRemove(watched, out _);
            // Its connection's linger is 0 (EventStreamConnection): a reset drops what the kernel holds.
            watched.Http.Abort();
        }
    }

    // struct tcp_info (linux/tcp.h): tcpi_unacked at 24, tcpi_bytes_acked at 120, tcpi_notsent_bytes at 144.
    private const int IpProtocolTcp = 6, TcpInfo = 11, TcpInfoLength = 148;

    private bool TryReadProgress(Socket socket, out ulong acknowledged, out bool waiting)
    {
        acknowledged = 0;
        waiting = false;
        Span<byte> info = stackalloc byte[TcpInfoLength];
        int length;
        try
        {
            length = socket.GetRawSocketOption(IpProtocolTcp, TcpInfo, info);
        }
        catch (Exception exception) when (exception is ObjectDisposedException or SocketException)
        {
            return false; // closed
        }
        catch (PlatformNotSupportedException)
        {
            return Unsupported();
        }
        if (length < TcpInfoLength) return Unsupported(); // a kernel older than 4.6
        acknowledged = BinaryPrimitives.ReadUInt64LittleEndian(info[120..]);
        waiting = BinaryPrimitives.ReadUInt32LittleEndian(info[24..]) > 0 || BinaryPrimitives.ReadUInt32LittleEndian(info[144..]) > 0;
        return true;
    }

    private bool Unsupported()
    {
        if (!unsupported) logger.LogWarning("The kernel does not report TCP progress (TCP_INFO); stalled event streams are left to Realtime's lag bound");
        unsupported = true;
        return false;
    }
}
