using System.Net;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.LoadBalancing;

namespace CuteRooms.Web.Gateway;

/// <summary>
/// The gateway's route table. Only <c>/api/**</c> and <c>/realtime/**</c> are forwarded; the Api's
/// <c>/internal/**</c> (the gatekeeper's admission call) is deliberately absent.
/// </summary>
public static class GatewayConfig
{
    public const string ApiCluster = ResourceNames.Api;
    public const string RealtimeCluster = ResourceNames.Realtime;
    public const string RealtimeRoute = "realtime";

    public static IReadOnlyList<RouteConfig> Routes { get; } =
    [
        new() { RouteId = "api", ClusterId = ApiCluster, Match = new() { Path = "/api/{**catch-all}" } },
        new() { RouteId = RealtimeRoute, ClusterId = RealtimeCluster, Match = new() { Path = "/realtime/{**catch-all}" } },
    ];

    public static IReadOnlyList<ClusterConfig> Clusters(IConfiguration configuration, GatewayOptions options)
    {
        // Without endpoints a service name falls through to DNS and every request would fail with 502.
        foreach (var service in new[] { ApiCluster, RealtimeCluster })
        {
            if (!configuration.GetSection($"services:{service}").GetChildren().SelectMany(endpoint => endpoint.GetChildren()).Any())
            {
                throw new InvalidOperationException(
                    $"No endpoint of '{service}': set services__{service}__http__0 (run the system through CuteRooms.AppHost).");
            }
        }

        var request = new ForwarderRequestConfig { ActivityTimeout = options.ActivityTimeout };
        // A replica that died must leave the rotation: balancing would otherwise keep choosing it (its
        // rooms hash to it), and every browser reconnecting to it would fail again.
        // Probes notice it within two intervals; a burst of failed connects notices it sooner.
        var health = new HealthCheckConfig
        {
            // When every destination looks unhealthy (a GC pause, a starved probe), forward anyway:
            // an answer from a slow service beats a certain 503.
            AvailableDestinationsPolicy = "HealthyOrPanic",
            Active = new ActiveHealthCheckConfig
            {
                Enabled = true,
                Interval = options.HealthCheckInterval,
                Timeout = TimeSpan.FromSeconds(2),
                Path = ServiceDefaultsExtensions.AlivenessEndpointPath,
            },
            Passive = new PassiveHealthCheckConfig
            {
                Enabled = true,
                ReactivationPeriod = options.HealthCheckInterval * 2,
            },
        };
        return
        [
            // Api calls are short: taking the replicas in turn spreads them evenly.
            new()
            {
                ClusterId = ApiCluster, Destinations = Destination(ApiCluster, $"http://{ApiCluster}"), HttpRequest = request, HealthCheck = health,
                LoadBalancingPolicy = LoadBalancingPolicies.RoundRobin,
            },
            RealtimeClusterConfig(configuration, request, health),
        ];
    }

    /// <summary>
    /// Realtime replicas that publish an <c>h2c</c> endpoint are reached over HTTP/2 with prior
    /// knowledge: every browser stream of a replica shares a few multiplexed connections instead of
    /// holding one socket each here and there (two per stream in this process otherwise).
    /// </summary>
    private static ClusterConfig RealtimeClusterConfig(IConfiguration configuration, ForwarderRequestConfig request, HealthCheckConfig health)
    {
        var h2c = configuration.GetSection($"services:{RealtimeCluster}:{H2cEndpoint}").GetChildren().Any();
        return new ClusterConfig
        {
            ClusterId = RealtimeCluster,
            Destinations = Destination(RealtimeCluster, h2c ? $"http://_{H2cEndpoint}.{RealtimeCluster}" : $"http://{RealtimeCluster}"),
            HttpRequest = h2c ? request with { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact } : request,
            HealthCheck = health,
            // A replica holds whole rooms, so it receives only their events.
            LoadBalancingPolicy = RoomAffinityBalancing.PolicyName,
        };
    }

    /// <summary>The name of a service's HTTP/2 cleartext endpoint (<c>services:{name}:h2c:N</c>).</summary>
    public const string H2cEndpoint = "h2c";

    /// <summary>One destination per cluster, by service name; the destination resolver expands it into every replica.</summary>
    private static Dictionary<string, DestinationConfig> Destination(string service, string address) =>
        new() { [service] = new DestinationConfig { Address = address } };
}
