using System.Net;
using System.Net.Sockets;

namespace CuteRooms.Web.Tests;

/// <summary>
/// HTTP clients that connect from a chosen loopback address (all of 127.0.0.0/8 is this machine), so
/// a test can be several client addresses at once: what a per-address limit counts.
/// </summary>
public static class LoopbackClients
{
    private static int next = Random.Shared.Next(0, 60_000);

    /// <summary>A loopback address no other test uses in this run (127.1.0.0/16; limits are counted per address for a minute).</summary>
    public static IPAddress FreshAddress()
    {
        var n = Interlocked.Increment(ref next) % 60_000;
        return IPAddress.Parse($"127.1.{n / 250}.{n % 250 + 1}");
    }

    /// <summary>The address the hardened system's Web trusts as a proxy in front of it.</summary>
    public static readonly IPAddress TrustedProxy = IPAddress.Parse("127.0.0.5");

    public static HttpClient From(IPAddress source, Uri baseAddress) =>
        new(new SocketsHttpHandler
        {
            UseCookies = false,
            AllowAutoRedirect = false,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        })
        { BaseAddress = baseAddress };
}
