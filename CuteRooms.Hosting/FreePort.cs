using System.Net;
using System.Net.Sockets;

namespace CuteRooms.Hosting;

internal static class FreePort
{
    /// <summary>A port the kernel just gave out on 127.0.0.1 and took back; free unless someone races us to it.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
