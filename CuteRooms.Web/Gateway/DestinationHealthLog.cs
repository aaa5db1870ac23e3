using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace CuteRooms.Web.Gateway;

/// <summary>
/// Says once when a replica stops answering the gateway's probes, and once when it answers again.
/// YARP's own log line per failed probe (with a stack trace, every few seconds) is turned off in
/// appsettings.json (<c>Yarp.ReverseProxy.Health</c>).
/// </summary>
public sealed class DestinationHealthLog(IProxyStateLookup proxy, TimeProvider time, ILogger<DestinationHealthLog> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var known = new Dictionary<string, DestinationHealth>();
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                foreach (var cluster in proxy.GetClusters())
                {
                    foreach (var destination in cluster.Destinations.Values)
                    {
                        var key = $"{cluster.ClusterId}/{destination.DestinationId}";
                        var health = destination.Health.Active;
                        var before = known.GetValueOrDefault(key, DestinationHealth.Unknown);
                        known[key] = health;
                        if (health == before) continue;
                        if (health == DestinationHealth.Unhealthy)
                            logger.LogWarning("{Cluster} at {Address} does not answer its health probe: requests go to the other replicas", cluster.ClusterId, destination.Model.Config.Address);
                        else if (health == DestinationHealth.Healthy && before == DestinationHealth.Unhealthy)
                            logger.LogInformation("{Cluster} at {Address} answers its health probe again", cluster.ClusterId, destination.Model.Config.Address);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
