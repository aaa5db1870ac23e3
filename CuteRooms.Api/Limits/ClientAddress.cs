using System.Net;
using System.Net.Sockets;

namespace CuteRooms.Api.Limits;

/// <summary>
/// The client a limit is counted for: the connection's address, which the forwarded-headers
/// middleware has set from <c>X-Forwarded-For</c> only if the Web (a trusted proxy) sent it.
/// </summary>
public static class ClientAddress
{
    public static string Of(HttpContext context) => Partition(context.Connection.RemoteIpAddress);

    /// <summary>An IPv6 client gets a whole /64 from any provider, so the /64 is one client.</summary>
    public static string Partition(IPAddress? address)
    {
        if (address is null) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes) + "/64";
    }
}
