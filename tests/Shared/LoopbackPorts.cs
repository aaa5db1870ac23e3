using System.Net;
using System.Net.Sockets;

namespace CuteRooms.Tests;

/// <summary>Loopback ports nobody listens on, for a process a test or the bench starts itself.</summary>
public static class LoopbackPorts
{
    public static int Free() => Free(1)[0];

    /// <summary>Ports the kernel hands out, all held until every one is chosen, so that none is given twice.</summary>
    public static IReadOnlyList<int> Free(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(listener => listener.Start());
            return [.. listeners.Select(listener => ((IPEndPoint)listener.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(listener => listener.Stop());
        }
    }
}
