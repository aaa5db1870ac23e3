namespace CuteRooms.Hosting;

/// <summary>What one service child needs to know, in Aspire's terms.</summary>
internal sealed record ServiceLaunch(
    string ServiceName,
    string ResourceName,
    Uri Url,
    Uri? GatewayUrl,
    string EnvironmentName,
    string RedisConnectionString,
    string MessagingConnectionString,
    Uri ApiEndpoint,
    IReadOnlyList<Uri> RealtimeEndpoints,
    IReadOnlyList<Uri> RealtimeGatewayEndpoints,
    string? OtlpEndpoint,
    IEnumerable<KeyValuePair<string, string>> Extra);

/// <summary>
/// The environment of each service, by Aspire's conventions, so the services run unchanged under a real
/// Aspire AppHost: a pure function of <see cref="ServiceLaunch"/>.
/// </summary>
internal static class ServiceEnvironment
{
    public const string Api = "api";
    public const string Realtime = "realtime";
    public const string Web = "web";

    public static IReadOnlyDictionary<string, string> For(ServiceLaunch launch)
    {
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = Origin(launch.Url),
            ["ASPNETCORE_ENVIRONMENT"] = launch.EnvironmentName,
            ["DOTNET_ENVIRONMENT"] = launch.EnvironmentName,
            ["OTEL_SERVICE_NAME"] = launch.ServiceName,
            ["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={launch.ResourceName}",
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
            // The AppHost knows a child is up on its own port by Kestrel's "Now listening on:" line.
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
        };

        if (launch.GatewayUrl is { } gatewayUrl)
        {
            // Two named endpoints, as an Aspire resource with WithEndpoint("h2c"): plain HTTP/1.1 for
            // health checks and direct clients, HTTP/2 with prior knowledge for the gateway, which
            // multiplexes every browser stream of a replica over a few connections.
            environment.Remove("ASPNETCORE_URLS");
            environment["Kestrel__Endpoints__http__Url"] = Origin(launch.Url);
            environment["Kestrel__Endpoints__h2c__Url"] = Origin(gatewayUrl);
            environment["Kestrel__Endpoints__h2c__Protocols"] = "Http2";
        }

        if (launch.ServiceName is Api or Realtime)
        {
            environment["ConnectionStrings__redis"] = launch.RedisConnectionString;
            environment["ConnectionStrings__messaging"] = launch.MessagingConnectionString;
        }

        if (launch.ServiceName is Web)
        {
            environment["services__api__http__0"] = Origin(launch.ApiEndpoint);
            for (var i = 0; i < launch.RealtimeEndpoints.Count; i++)
            {
                environment[$"services__realtime__http__{i}"] = Origin(launch.RealtimeEndpoints[i]);
            }
            for (var i = 0; i < launch.RealtimeGatewayEndpoints.Count; i++)
            {
                environment[$"services__realtime__h2c__{i}"] = Origin(launch.RealtimeGatewayEndpoints[i]);
            }
        }

        if (!string.IsNullOrWhiteSpace(launch.OtlpEndpoint))
        {
            environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = launch.OtlpEndpoint;
        }

        foreach (var (key, value) in launch.Extra)
        {
            environment[key] = value;
        }
        return environment;
    }

    /// <summary><c>http://127.0.0.1:5000</c>, without the trailing slash, as Aspire writes endpoints.</summary>
    public static string Origin(Uri url) => url.GetLeftPart(UriPartial.Authority);
}
