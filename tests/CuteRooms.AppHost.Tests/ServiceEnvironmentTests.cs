using CuteRooms.Hosting;

namespace CuteRooms.AppHost.Tests;

/// <summary>What each service child is told, by Aspire's conventions (a pure function).</summary>
public sealed class ServiceEnvironmentTests
{
    private static ServiceLaunch Launch(string service, string resource, int replicas = 2, string? otlp = null, Dictionary<string, string>? extra = null, Uri? gatewayUrl = null) => new(
        ServiceName: service,
        ResourceName: resource,
        Url: new Uri("http://127.0.0.1:7001/"),
        GatewayUrl: gatewayUrl,
        EnvironmentName: "Testing",
        RedisConnectionString: "127.0.0.1:6379",
        MessagingConnectionString: "amqp://guest:guest@127.0.0.1:5672/",
        ApiEndpoint: new Uri("http://127.0.0.1:7100/"),
        RealtimeEndpoints: [.. Enumerable.Range(0, replicas).Select(i => new Uri($"http://127.0.0.1:{7200 + i}/"))],
        RealtimeGatewayEndpoints: [.. Enumerable.Range(0, replicas).Select(i => new Uri($"http://127.0.0.1:{7300 + i}/"))],
        OtlpEndpoint: otlp,
        Extra: extra ?? []);

    [Theory]
    [InlineData("api", "api")]
    [InlineData("realtime", "realtime-1")]
    public void Api_and_realtime_get_their_url_environment_telemetry_names_and_both_connection_strings(string service, string resource)
    {
        var environment = ServiceEnvironment.For(Launch(service, resource));

        Assert.Equal("http://127.0.0.1:7001", environment["ASPNETCORE_URLS"]);
        Assert.Equal("Testing", environment["ASPNETCORE_ENVIRONMENT"]);
        Assert.Equal("Testing", environment["DOTNET_ENVIRONMENT"]);
        Assert.Equal(service, environment["OTEL_SERVICE_NAME"]);
        Assert.Equal($"service.instance.id={resource}", environment["OTEL_RESOURCE_ATTRIBUTES"]);
        Assert.Equal("127.0.0.1:6379", environment["ConnectionStrings__redis"]);
        Assert.Equal("amqp://guest:guest@127.0.0.1:5672/", environment["ConnectionStrings__messaging"]);
        Assert.Equal("simple", environment["Logging__Console__FormatterName"]);
        Assert.Equal("true", environment["Logging__Console__FormatterOptions__SingleLine"]);
        Assert.Equal("Information", environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"]); // "Now listening on:" tells it is up
        Assert.DoesNotContain(environment.Keys, key => key.StartsWith("services__", StringComparison.Ordinal));
    }

    [Fact]
    public void Web_gets_the_api_and_one_endpoint_per_realtime_replica_and_no_connection_strings()
    {
        var environment = ServiceEnvironment.For(Launch("web", "web", replicas: 3));

        Assert.Equal("web", environment["OTEL_SERVICE_NAME"]);
        Assert.Equal("http://127.0.0.1:7100", environment["services__api__http__0"]);
        Assert.Equal("http://127.0.0.1:7200", environment["services__realtime__http__0"]);
        Assert.Equal("http://127.0.0.1:7201", environment["services__realtime__http__1"]);
        Assert.Equal("http://127.0.0.1:7202", environment["services__realtime__http__2"]);
        Assert.False(environment.ContainsKey("services__realtime__http__3"));
        Assert.DoesNotContain(environment.Keys, key => key.StartsWith("ConnectionStrings__", StringComparison.Ordinal));
    }

    [Fact]
    public void The_otlp_endpoint_is_passed_on_only_when_one_is_set()
    {
        Assert.False(ServiceEnvironment.For(Launch("api", "api")).ContainsKey("OTEL_EXPORTER_OTLP_ENDPOINT"));
        Assert.Equal("http://127.0.0.1:4317", ServiceEnvironment.For(Launch("api", "api", otlp: "http://127.0.0.1:4317"))["OTEL_EXPORTER_OTLP_ENDPOINT"]);
    }

    [Fact]
    public void Extra_service_environment_is_applied_last_and_wins()
    {
        var environment = ServiceEnvironment.For(Launch("api", "api", extra: new()
        {
            ["RateLimits__PermitsPerMinute"] = "1000",
            ["ASPNETCORE_ENVIRONMENT"] = "Overridden",
        }));

        Assert.Equal("1000", environment["RateLimits__PermitsPerMinute"]);
        Assert.Equal("Overridden", environment["ASPNETCORE_ENVIRONMENT"]);
    }

    [Fact]
    public void A_realtime_replica_with_a_gateway_endpoint_listens_on_http_and_on_h2c()
    {
        var environment = ServiceEnvironment.For(Launch("realtime", "realtime-0", gatewayUrl: new Uri("http://127.0.0.1:7301/")));

        Assert.Equal("http://127.0.0.1:7001", environment["Kestrel__Endpoints__http__Url"]);
        Assert.Equal("http://127.0.0.1:7301", environment["Kestrel__Endpoints__h2c__Url"]);
        Assert.Equal("Http2", environment["Kestrel__Endpoints__h2c__Protocols"]);
        Assert.False(environment.ContainsKey("ASPNETCORE_URLS")); // Kestrel's endpoints replace it
    }

    [Fact]
    public void Web_gets_the_h2c_endpoint_of_every_realtime_replica()
    {
        var environment = ServiceEnvironment.For(Launch("web", "web", replicas: 2));

        Assert.Equal("http://127.0.0.1:7300", environment["services__realtime__h2c__0"]);
        Assert.Equal("http://127.0.0.1:7301", environment["services__realtime__h2c__1"]);
        Assert.False(environment.ContainsKey("services__realtime__h2c__2"));
    }
}
