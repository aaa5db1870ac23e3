using Microsoft.Extensions.Configuration;

namespace CuteRooms.Hosting;

/// <summary>How <see cref="DistributedApp"/> runs the system: ports, replicas, configuration, logs.</summary>
public sealed class DistributedAppOptions
{
    /// <summary>Port of the Web on 127.0.0.1; 0 picks a free port.</summary>
    public int WebPort { get; set; } = 8080;

    public int RealtimeReplicas { get; set; } = 1;

    /// <summary>Where the services' ports come from; tests hand out a taken one to see the start recover.</summary>
    internal Func<int> NextServicePort { get; set; } = FreePort.Next;

    /// <summary>
    /// <c>ConnectionStrings:redis</c> / <c>ConnectionStrings:messaging</c> (use an existing server),
    /// <c>Resources:redis:LocalPort</c> (6379) / <c>Resources:messaging:LocalPort</c> (5672) (where to
    /// look for a local one). Null = none of these.
    /// </summary>
    public IConfiguration? Configuration { get; set; }

    /// <summary>Extra environment for every service, applied last (tests: rate limits etc.).</summary>
    public IDictionary<string, string> ServiceEnvironment { get; } = new Dictionary<string, string>();

    public string EnvironmentName { get; set; } = "Development";

    /// <summary>Where each child's prefixed log lines go; null discards them.</summary>
    public TextWriter? Log { get; set; }

    /// <summary>Budget for infrastructure readiness and each service's first healthy <c>/health</c>.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(120);
}
