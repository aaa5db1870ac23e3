namespace CuteRooms.AppHost;

/// <summary>How the three services are described: their endpoints, health, settings and the Web's view of Realtime.</summary>
internal static class ServiceResources
{
    public const string HealthPath = "/health";
    public const string RealtimeName = "realtime";
    public const string H2cEndpointName = "h2c";

    /// <summary>Every service listens on IPv4 loopback only; the addresses handed around say so too.</summary>
    private const string Loopback = "127.0.0.1";

    /// <summary>
    /// A project whose process binds its own loopback port: no orchestrator proxy hop on the hot path,
    /// and no launch profile (its ports would collide between systems run side by side).
    /// </summary>
    /// <param name="service">Whose <see cref="AppHostOptions.ResourceSettings"/> apply (a replica's service); the name by default.</param>
    public static IResourceBuilder<ProjectResource> AddService<TProject>(
        this IDistributedApplicationBuilder builder, string name, AppHostOptions options, int? port = null, string? service = null)
        where TProject : IProjectMetadata, new()
    {
        var resource = builder.AddProject<TProject>(name, project => project.ExcludeLaunchProfile = true)
            .WithHttpEndpoint(port: port, isProxied: false)
            .WithEndpoint("http", endpoint => endpoint.TargetHost = Loopback)
            .WithHttpHealthCheck(HealthPath);
        if (builder.ExecutionContext.IsRunMode)
        {
            resource.WithEnvironment("ASPNETCORE_ENVIRONMENT", builder.Environment.EnvironmentName)
                // Aspire asks the OTLP exporters to retry in memory; when the dashboard stops first (it
                // does on Ctrl+C) those retries held each service's shutdown for 10-17 s, past the
                // orchestrator's grace, so it was killed instead of ending its streams. Telemetry that
                // cannot be sent is dropped.
                .WithEnvironment("OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY", "");
        }
        else
        {
            // Published, Aspire sets ASPNETCORE_FORWARDEDHEADERS_ENABLED, which makes ASP.NET Core
            // believe X-Forwarded-For from anyone: a client could pick its own address and dodge the
            // per-address limits. The services believe only their TrustedProxies instead.
            resource.WithEnvironment(context => context.EnvironmentVariables.Remove("ASPNETCORE_FORWARDEDHEADERS_ENABLED"));
        }
        foreach (var (key, value) in options.SettingsFor(service ?? name, name))
        {
            resource.WithEnvironment(key, value);
        }
        return resource;
    }

    public const string ApiName = "api";

    /// <summary>
    /// The Api: one resource <c>api</c>, or with several replicas run locally <c>api-0</c>, <c>api-1</c>…
    /// (each its own address, which the Web's client and gateway spread requests over). Published, one
    /// project with replicas.
    /// </summary>
    public static IReadOnlyList<IResourceBuilder<ProjectResource>> AddApi(
        this IDistributedApplicationBuilder builder, AppHostOptions options, Action<IResourceBuilder<ProjectResource>> configure)
    {
        if (builder.ExecutionContext.IsPublishMode || options.ApiReplicas == 1)
        {
            var api = builder.AddService<Projects.CuteRooms_Api>(ApiName, options);
            if (options.ApiReplicas > 1) api.WithReplicas(options.ApiReplicas);
            configure(api);
            return [api];
        }
        var replicas = new List<IResourceBuilder<ProjectResource>>();
        for (var index = 0; index < options.ApiReplicas; index++)
        {
            var replica = builder.AddService<Projects.CuteRooms_Api>($"{ApiName}-{index}", options, service: ApiName);
            configure(replica);
            replicas.Add(replica);
        }
        return replicas;
    }

    public const string WebName = "web";

    /// <summary>
    /// The Web: <c>web</c> on the given port, and with several replicas run locally <c>web-1</c>,
    /// <c>web-2</c>… on ports of their own (what a load balancer in front would spread browsers over;
    /// every replica takes any form another rendered, their key ring being in Redis). Published, one
    /// project with replicas.
    /// </summary>
    public static IReadOnlyList<IResourceBuilder<ProjectResource>> AddWeb(
        this IDistributedApplicationBuilder builder, AppHostOptions options, Action<IResourceBuilder<ProjectResource>> configure)
    {
        var web = builder.AddService<Projects.CuteRooms_Web>(WebName, options, port: options.WebPort);
        if (builder.ExecutionContext.IsPublishMode && options.WebReplicas > 1) web.WithReplicas(options.WebReplicas);
        configure(web);
        List<IResourceBuilder<ProjectResource>> replicas = [web];
        for (var index = 1; builder.ExecutionContext.IsRunMode && index < options.WebReplicas; index++)
        {
            var replica = builder.AddService<Projects.CuteRooms_Web>($"{WebName}-{index}", options, service: WebName);
            configure(replica);
            replicas.Add(replica);
        }
        return replicas;
    }

    /// <summary>The Web's view of the Api: <c>services__api__http__N</c> for every replica.</summary>
    public static IResourceBuilder<ProjectResource> WithApi(
        this IResourceBuilder<ProjectResource> web, IReadOnlyList<IResourceBuilder<ProjectResource>> api)
    {
        if (api is [{ Resource.Name: ApiName } single])
        {
            return web.WithReference(single).WaitFor(single);
        }
        for (var index = 0; index < api.Count; index++)
        {
            web.WithEnvironment($"services__{ApiName}__http__{index}", api[index].GetEndpoint("http"))
                .WithReferenceRelationship(api[index])
                .WaitFor(api[index]);
        }
        return web;
    }

    /// <summary>
    /// The Realtime replicas. Run locally they are separate resources (<c>realtime-0</c>, <c>realtime-1</c>…),
    /// each with its own address, because behind one proxied address every HTTP/2 stream of the gateway
    /// would land on one replica. Published, Realtime is one project with replicas that the platform scales.
    /// Each also serves HTTP/2 with prior knowledge on <c>h2c</c>, which the gateway multiplexes streams over.
    /// </summary>
    public static IReadOnlyList<IResourceBuilder<ProjectResource>> AddRealtime(
        this IDistributedApplicationBuilder builder, AppHostOptions options, Action<IResourceBuilder<ProjectResource>> configure)
    {
        if (builder.ExecutionContext.IsPublishMode)
        {
            var published = builder.AddService<Projects.CuteRooms_Realtime>(RealtimeName, options)
                .WithEndpoint("http", endpoint => endpoint.TargetPort = PublishedHttpPort)
                .WithHttpEndpoint(targetPort: PublishedH2cPort, name: H2cEndpointName, isProxied: false)
                .WithEndpoint(H2cEndpointName, endpoint => endpoint.Transport = "http2")
                .WithKestrelEndpoints(host: "+")
                .WithReplicas(options.RealtimeReplicas);
            configure(published);
            return [published];
        }

        var replicas = new List<IResourceBuilder<ProjectResource>>();
        for (var index = 0; index < options.RealtimeReplicas; index++)
        {
            var replica = builder.AddService<Projects.CuteRooms_Realtime>($"{RealtimeName}-{index}", options, service: RealtimeName)
                .WithHttpEndpoint(name: H2cEndpointName, isProxied: false)
                .WithEndpoint(H2cEndpointName, endpoint => (endpoint.Transport, endpoint.TargetHost) = ("http2", Loopback))
                .WithKestrelEndpoints(host: Loopback);
            configure(replica);
            replicas.Add(replica);
        }
        return replicas;
    }

    /// <summary>Published Realtime's container ports (the platform maps them).</summary>
    private const int PublishedHttpPort = 8080, PublishedH2cPort = 8081;

    /// <summary>
    /// Kestrel's own endpoint settings in place of <c>ASPNETCORE_URLS</c> / <c>HTTP_PORTS</c>, which
    /// cannot say "HTTP/2 only" for one of the ports.
    /// </summary>
    private static IResourceBuilder<ProjectResource> WithKestrelEndpoints(this IResourceBuilder<ProjectResource> realtime, string host) =>
        realtime.WithEnvironment(context =>
        {
            context.EnvironmentVariables.Remove("ASPNETCORE_URLS");
            context.EnvironmentVariables.Remove("HTTP_PORTS");
            foreach (var name in new[] { "http", H2cEndpointName })
            {
                var port = realtime.GetEndpoint(name).Property(EndpointProperty.TargetPort);
                context.EnvironmentVariables[$"Kestrel__Endpoints__{name}__Url"] = ReferenceExpression.Create($"http://{host}:{port}");
            }
            context.EnvironmentVariables[$"Kestrel__Endpoints__{H2cEndpointName}__Protocols"] = "Http2";
        });

    /// <summary>
    /// The gateway's destinations, in service discovery's format: every replica's
    /// <c>services__realtime__http__N</c> and <c>services__realtime__h2c__N</c>.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithRealtimeGateway(
        this IResourceBuilder<ProjectResource> web, IReadOnlyList<IResourceBuilder<ProjectResource>> realtime)
    {
        if (realtime is [{ Resource.Name: RealtimeName } published])
        {
            return web.WithReference(published).WaitFor(published);
        }
        for (var index = 0; index < realtime.Count; index++)
        {
            var replica = realtime[index];
            web.WithEnvironment($"services__{RealtimeName}__http__{index}", replica.GetEndpoint("http"))
                .WithEnvironment($"services__{RealtimeName}__{H2cEndpointName}__{index}", replica.GetEndpoint(H2cEndpointName))
                .WithReferenceRelationship(replica)
                .WaitFor(replica);
        }
        return web;
    }

    /// <summary>Prints where the system answers once the resource is healthy.</summary>
    public static IResourceBuilder<ProjectResource> AnnounceWhenReady(this IResourceBuilder<ProjectResource> web, string format)
    {
        web.OnResourceReady((resource, _, _) =>
        {
            Console.WriteLine(format, resource.GetEndpoint("http").Url);
            return Task.CompletedTask;
        });
        return web;
    }
}
