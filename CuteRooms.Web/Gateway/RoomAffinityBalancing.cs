using System.Text;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace CuteRooms.Web.Gateway;

/// <summary>
/// Sends every stream of a room to the same Realtime replica, so that a replica holds whole rooms and
/// receives only their events (it binds its queue to the rooms it holds): replicas share the rooms
/// instead of each receiving every room. The replica is the room's first choice by rendezvous hashing
/// over the replicas' addresses, the same in every Web replica, and only that replica's rooms move when
/// one joins or leaves. A replica holding <see cref="GatewayOptions.RoomSpillStreams"/> more streams than
/// the least busy one takes no new stream: the room's next choice does, so one huge room still spreads.
/// </summary>
public sealed class RoomAffinityBalancing(Microsoft.Extensions.Options.IOptions<GatewayOptions> options) : ILoadBalancingPolicy
{
    public const string PolicyName = "RoomAffinity";

    public string Name => PolicyName;

    public DestinationState? PickDestination(HttpContext context, ClusterState cluster, IReadOnlyList<DestinationState> availableDestinations)
    {
        if (availableDestinations.Count <= 1) return availableDestinations.Count == 1 ? availableDestinations[0] : null;
        if (RoomOf(context.Request.Path) is not { } room) return LeastBusy(availableDestinations);

        var quietest = availableDestinations.Min(destination => destination.ConcurrentRequestCount);
        var spill = options.Value.RoomSpillStreams;
        DestinationState? choice = null;
        ulong best = 0;
        foreach (var destination in availableDestinations)
        {
            if (destination.ConcurrentRequestCount > quietest + spill) continue; // far busier than the quietest
            var score = Score(room, destination.Model.Config.Address);
            if (choice is null || score > best) (choice, best) = (destination, score);
        }
        return choice;
    }

    /// <summary>The room id of <c>/realtime/rooms/{id}/…</c>; null for any other path.</summary>
    internal static string? RoomOf(PathString path)
    {
        const string prefix = "/realtime/rooms/";
        var value = path.Value;
        if (value is null || !value.StartsWith(prefix, StringComparison.Ordinal)) return null;
        var end = value.IndexOf('/', prefix.Length);
        var room = end < 0 ? value[prefix.Length..] : value[prefix.Length..end];
        return room.Length > 0 ? room : null;
    }

    /// <summary>Rendezvous score of a room on a replica: stable across processes (FNV-1a, not the randomized string hash).</summary>
    internal static ulong Score(string room, string address)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes($"{room}\n{address}"))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }
        // FNV's low bits mix poorly for similar inputs; a final avalanche (from SplitMix64) spreads them.
        hash ^= hash >> 30;
        hash *= 0xbf58476d1ce4e5b9UL;
        hash ^= hash >> 27;
        hash *= 0x94d049bb133111ebUL;
        return hash ^ (hash >> 31);
    }

    private static DestinationState LeastBusy(IReadOnlyList<DestinationState> destinations) =>
        destinations.MinBy(destination => destination.ConcurrentRequestCount)!;
}
