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
/// no cost on the path of a frame. Realtime cuts a stream off by its lag as well, but the forwarder, stuck
/// writing to a stalled browser, would only see that when the browser took something again.
/// Progress seen at a sweep is dated at the sweep before it, so a stream is ended within a sweep
/// interval of the bound, never after it.
/// </summary>
public sealed class StalledStreamWatch(IOptions<GatewayOptions> options, TimeProvider time, ILogger<StalledStreamWatch> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<Watched, byte> streams = new();
    private volatile bool unsupported;

    private sealed class Watched(HttpContext http, Socket socket, long now)
    {
        public HttpContext Http { get; } = http;
        public Socket Socket { get; } = socket;
        public ulong Acknowledged { get; set; }
        public long ProgressAt { get; set; } = now;
    }

    /// <summary>Watches the stream until the returned handle is disposed (the response is over).</summary>
    public IDisposable? Watch(HttpContext http, Socket socket)
    {
        if (unsupported) return null;
        var watched = new Watched(http, socket, time.GetTimestamp());
        streams.TryAdd(watched, 0);
        return new Unwatch(this, watched);
    }

    private sealed class Unwatch(StalledStreamWatch watch, Watched watched) : IDisposable
    {
        public void Dispose() => watch.streams.TryRemove(watched, out _);
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

    private static readonly TimeSpan SweepInterval = TimeSpan.FromMilliseconds(250);
    private long previousSweep;

    private void Sweep()
    {
        var now = time.GetTimestamp();
        var progressAt = previousSweep == 0 ? now : previousSweep;
        previousSweep = now;
        foreach (var watched in streams.Keys)
        {
            if (!TryReadProgress(watched.Socket, out var acknowledged, out var waiting))
            {
                streams.TryRemove(watched, out _); // closed, or a kernel without TCP_INFO
                continue;
            }
            if (acknowledged != watched.Acknowledged || !waiting)
            {
                watched.Acknowledged = acknowledged;
                watched.ProgressAt = progressAt;
            }
            else if (time.GetElapsedTime(watched.ProgressAt, now) > options.Value.StalledStreamTimeout)
            {
                streams.TryRemove(watched, out _);
                watched.Http.Abort(); // the connection's linger is 0: a reset drops what the kernel holds
            }
        }
    }

    // struct tcp_info (linux/tcp.h): tcpi_unacked at 24, tcpi_bytes_acked at 120, tcpi_notsent_bytes at 144.
    private const int IpProtocolTcp = 6, TcpInfo = 11, TcpInfoLength = 148;

    private bool TryReadProgress(Socket socket, out ulong acknowledged, out bool waiting)
    {
        acknowledged = 0;
        waiting = false;
        Span<byte> info = stackalloc byte[TcpInfoLength];
        try
        {
            if (socket.GetRawSocketOption(IpProtocolTcp, TcpInfo, info) < TcpInfoLength) return Unsupported();
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
        catch (Exception exception) when (exception is SocketException or PlatformNotSupportedException)
        {
            return socket.Connected ? Unsupported() : false;
        }
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
