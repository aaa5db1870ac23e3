using System.Net;
using System.Net.Sockets;

namespace CuteRooms.Hosting;

internal static class FreePort
{
    private static readonly HashSet<int> HandedOut = [];

    /// <summary>
    /// A port the kernel just gave out on 127.0.0.1 and took back; free unless someone races us to it.
    /// Never the same one twice in this process, so two systems booted side by side cannot collide.
    /// </summary>
    public static int Next()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (HandedOut)
            {
                if (HandedOut.Add(port)) return port;
            }
        }
    }
}
