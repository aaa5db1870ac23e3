using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace CuteRooms.Hosting;

/// <summary>
/// The whole CuteRooms system as child processes, started in Aspire's order and stopped in reverse:
/// Redis and RabbitMQ (found or started), then Api and the Realtime replicas (healthy), then Web.
/// The AppHost runs it until Ctrl+C; tests start one per fixture (our Aspire.Hosting.Testing).
/// </summary>
public sealed class DistributedApp : IAsyncDisposable
{
    private static readonly TimeSpan ServiceStopGrace = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan InfrastructureStopGrace = TimeSpan.FromSeconds(5);

    private readonly LogSink _log;
    private readonly List<InfrastructureServer> _infrastructure = [];
    private readonly List<ServiceResource> _services = [];
    private readonly Lock _gate = new();
    private Task? _stopping;

    private DistributedApp(LogSink log)
    {
        _log = log;
    }

    public Uri WebEndpoint { get; private set; } = null!;
    public Uri ApiEndpoint { get; private set; } = null!;
    public IReadOnlyList<Uri> RealtimeEndpoints { get; private set; } = [];

    /// <summary>StackExchange.Redis format, e.g. <c>127.0.0.1:6379</c>.</summary>
    public string RedisConnectionString { get; private set; } = "";

    /// <summary>e.g. <c>amqp://guest:guest@127.0.0.1:5672/</c>.</summary>
    public string MessagingConnectionString { get; private set; } = "";

    /// <summary>A snapshot of every resource in start order: redis, messaging, api, realtime-0…, web.</summary>
    public IReadOnlyList<ResourceInfo> Resources
    {
        get
        {
            lock (_gate)
            {
                var stopped = _stopping is not null;
                var rows = new List<ResourceInfo>();
                foreach (var server in _infrastructure)
                {
                    var state = server.Process switch
                    {
                        null => server.Resolution.Source == InfrastructureSource.LocalPort ? "Reused" : "External",
                        var child => StateOf(child, stopped),
                    };
                    rows.Add(new ResourceInfo(server.Resource.Name, server.Resource.Kind, server.ConnectionString, server.Process?.Pid, state, server.Source, null));
                }
                foreach (var service in _services)
                {
                    var state = service.Process is null ? "NotStarted" : service.Healthy || stopped ? StateOf(service.Process, stopped) : "Starting";
                    rows.Add(new ResourceInfo(service.Name, "Project", service.Url.ToString(), service.Process?.Pid, state, "project", new Uri(service.Url, "health")));
                }
                return rows;
            }
        }
    }

    public static async Task<DistributedApp> StartAsync(DistributedAppOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.RealtimeReplicas, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(options.WebPort);

        var root = RepoLayout.FindRoot();
        var log = new LogSink(options.Log);

        // Resolve both before starting anything, so a missing one fails fast and leaves nothing behind.
        var resolver = new InfrastructureResolver(options.Configuration, Environment.GetEnvironmentVariable("PATH"));
        var redis = await resolver.ResolveAsync(InfrastructureResource.Redis, cancellationToken);
        var messaging = await resolver.ResolveAsync(InfrastructureResource.Messaging, cancellationToken);
        foreach (var project in new[] { "CuteRooms.Api", "CuteRooms.Realtime", "CuteRooms.Web" })
        {
            if (!File.Exists(RepoLayout.ServiceAssembly(root, project)))
            {
                throw new DistributedAppException(
                    $"{project} is not built ({RepoLayout.ServiceAssembly(root, project)} is missing): run dotnet build CuteRooms.slnx -c {RepoLayout.Configuration}");
            }
        }

        var app = new DistributedApp(log);
        try
        {
            await app.StartInfrastructureAsync([redis, messaging], options.StartTimeout, cancellationToken);
            await app.StartServicesAsync(root, options, cancellationToken);
            return app;
        }
        catch
        {
            await app.StopAsync();
            throw;
        }
    }

    /// <summary>SIGKILLs one Realtime replica (and waits until it is gone), as a crash would.</summary>
    public async Task KillRealtimeReplicaAsync(int index)
    {
        var child = RealtimeReplica(index);
        _log.Write(child.Name, "(apphost) killing it with SIGKILL");
        child.Kill();
        await child.Exited;
    }

    /// <summary>Stops one Realtime replica gracefully (SIGTERM), as an orchestrator scaling in or rolling it would.</summary>
    public async Task StopRealtimeReplicaAsync(int index)
    {
        var child = RealtimeReplica(index);
        _log.Write(child.Name, "(apphost) stopping it with SIGTERM");
        child.Terminate();
        await child.Exited;
    }

    private ChildProcess RealtimeReplica(int index)
    {
        var replicas = _services.Where(service => service.ServiceName == ServiceEnvironment.Realtime).ToList();
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, replicas.Count);
        return replicas[index].Process ?? throw new InvalidOperationException($"{replicas[index].Name} was never started.");
    }

    /// <summary>SIGTERM to the services, then to the servers we started (each phase a few seconds), then SIGKILL what is left. Idempotent.</summary>
    public Task StopAsync()
    {
        lock (_gate)
        {
            return _stopping ??= StopCoreAsync();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task StopCoreAsync()
    {
        List<ChildProcess> services, infrastructure;
        lock (_gate)
        {
            services = [.. _services.Select(service => service.Process).OfType<ChildProcess>()];
            infrastructure = [.. _infrastructure.Select(server => server.Process).OfType<ChildProcess>()];
        }
        // The services first, all at once (Realtime ends its streams at once, so the Web is not left
        // waiting on proxied ones), then the servers they used.
        await ProcessStopper.StopAsync(services, ServiceStopGrace);
        await ProcessStopper.StopAsync(infrastructure, InfrastructureStopGrace);
        foreach (var server in Enumerable.Reverse(_infrastructure))
        {
            await server.DisposeAsync();
        }
        foreach (var service in _services)
        {
            service.Process?.Dispose();
        }
    }

    private async Task StartInfrastructureAsync(IReadOnlyList<InfrastructureResolution> resolutions, TimeSpan timeout, CancellationToken cancellationToken)
    {
        foreach (var resolution in resolutions)
        {
            var how = resolution.Source switch
            {
                InfrastructureSource.ConnectionString => "using ConnectionStrings__" + resolution.Resource.Name,
                InfrastructureSource.LocalPort => $"reusing the server on 127.0.0.1:{resolution.LocalPort}",
                InfrastructureSource.Binary => $"starting {resolution.Executable} as a child",
                _ => $"starting {resolution.Resource.ContainerImage} with {resolution.Executable}",
            };
            _log.Write(resolution.Resource.Name, "(apphost) " + how);
        }

        var starts = resolutions.Select(resolution => InfrastructureServer.StartAsync(resolution, _log, timeout, cancellationToken)).ToList();
        try
        {
            await Task.WhenAll(starts);
        }
        finally
        {
            // Keep what did start, so that a failure of the other one still stops it.
            lock (_gate)
            {
                _infrastructure.AddRange(starts.Where(start => start.IsCompletedSuccessfully).Select(start => start.Result));
            }
        }
        RedisConnectionString = _infrastructure.Single(server => server.Resource == InfrastructureResource.Redis).ConnectionString;
        MessagingConnectionString = _infrastructure.Single(server => server.Resource == InfrastructureResource.Messaging).ConnectionString;
    }

    private async Task StartServicesAsync(string root, DistributedAppOptions options, CancellationToken cancellationToken)
    {
        var nextPort = options.NextServicePort;
        var api = new ServiceResource(ServiceEnvironment.Api, ServiceEnvironment.Api, "CuteRooms.Api", nextPort());
        var realtime = Enumerable.Range(0, options.RealtimeReplicas)
            .Select(i => new ServiceResource($"{ServiceEnvironment.Realtime}-{i}", ServiceEnvironment.Realtime, "CuteRooms.Realtime", nextPort(), nextPort()))
            .ToList();
        lock (_gate)
        {
            _services.Add(api);
            _services.AddRange(realtime);
        }

        var dotnet = RepoLayout.DotnetHost();
        var otlp = options.Configuration?["OTEL_EXPORTER_OTLP_ENDPOINT"] ?? Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };

        async Task StartAndWaitAsync(ServiceResource service, CancellationToken token)
        {
            // A port handed out here is free until the child binds it, unless another process takes
            // it first (systems booted side by side); then the child fails to bind and gets new ports.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await StartOnceAsync(service, token);
                    return;
                }
                catch (DistributedAppException) when (attempt < 3 && service.CanMove && service.Process!.HasExited && service.Process.FoundPortTaken())
                {
                    var taken = service.Url;
                    service.Process.Dispose();
                    service.MoveTo(nextPort);
                    _log.Write(service.Name, $"(apphost) {taken} was taken by another process; starting again on {service.Url}");
                }
            }
        }

        Task StartOnceAsync(ServiceResource service, CancellationToken token)
        {
            var environment = ServiceEnvironment.For(new ServiceLaunch(
                service.ServiceName, service.Name, service.Url, service.GatewayUrl, options.EnvironmentName,
                RedisConnectionString, MessagingConnectionString, api.Url, [.. realtime.Select(replica => replica.Url)],
                [.. realtime.Select(replica => replica.GatewayUrl!)], otlp, options.ServiceEnvironment));
            lock (_gate)
            {
                service.Process = ChildProcess.Start(
                    service.Name, dotnet, [RepoLayout.ServiceAssembly(root, service.Project)],
                    RepoLayout.ProjectDirectory(root, service.Project), environment, _log);
            }
            _log.Write(service.Name, $"(apphost) pid {service.Process.Pid}: {service.Project}.dll on {service.Url}");
            return WaitHealthyAsync(service, http, options.StartTimeout, token);
        }

        // Api and every Realtime replica at once; the first failure cancels the others' waits.
        using (var group = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            var waits = new[] { api }.Concat(realtime).Select(async service =>
            {
                try
                {
                    await StartAndWaitAsync(service, group.Token);
                }
                catch
                {
                    await group.CancelAsync();
                    throw;
                }
            }).ToList();
            try
            {
                await Task.WhenAll(waits);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // WhenAll surfaces the first task's exception; prefer the real failure over a cancellation.
                throw waits.Select(wait => wait.Exception?.InnerException).OfType<DistributedAppException>().FirstOrDefault()
                    ?? waits.Select(wait => wait.Exception?.InnerException).OfType<Exception>().First();
            }
        }

        // The Web's port is picked only now: a port given back to the kernel stays ours only until
        // someone else takes it, so the shorter the wait before binding it, the better.
        var web = options.WebPort == 0
            ? new ServiceResource(ServiceEnvironment.Web, ServiceEnvironment.Web, "CuteRooms.Web", nextPort())
            : new ServiceResource(ServiceEnvironment.Web, ServiceEnvironment.Web, "CuteRooms.Web", options.WebPort) { CanMove = false };
        lock (_gate)
        {
            _services.Add(web);
        }
        await StartAndWaitAsync(web, cancellationToken);

        // Where each one ended up: a port taken meanwhile moves a service.
        ApiEndpoint = api.Url;
        RealtimeEndpoints = [.. realtime.Select(replica => replica.Url)];
        WebEndpoint = web.Url;
    }

    private async Task WaitHealthyAsync(ServiceResource service, HttpClient http, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var health = new Uri(service.Url, "health");
        var clock = Stopwatch.StartNew();
        var lastAnswer = "no answer";
        var child = service.Process!;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (child.HasExited)
            {
                await Task.Delay(100, CancellationToken.None); // last lines
                throw new DistributedAppException(child.DescribeFailure($"'{service.Name}' exited with code {child.ExitCode} before it was healthy"));
            }
            // Until it says it listens on its port, an answer there would be another process's.
            if (!child.SaidListeningOn(service.Url))
            {
                if (clock.Elapsed > timeout)
                    throw new DistributedAppException(child.DescribeFailure($"'{service.Name}' did not listen on {service.Url} within {timeout.TotalSeconds:0} s"));
                await Task.Delay(100, cancellationToken);
                continue;
            }
            try
            {
                using var response = await http.GetAsync(health, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    service.Healthy = true;
                    _log.Write(service.Name, $"(apphost) healthy at {service.Url} after {clock.Elapsed.TotalSeconds:0.0} s");
                    return;
                }
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                lastAnswer = $"{(int)response.StatusCode} {body}";
            }
            catch (HttpRequestException ex)
            {
                lastAnswer = ex.Message;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                lastAnswer = "timed out";
            }
            if (clock.Elapsed > timeout)
            {
                throw new DistributedAppException(child.DescribeFailure(
                    $"'{service.Name}' was not healthy at {health} within {timeout.TotalSeconds:0} s (last answer: {lastAnswer})"));
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

    private static string StateOf(ChildProcess child, bool stopped) => child switch
    {
        { WasKilled: true, HasExited: true } when !stopped => "Killed",
        { HasExited: true } when stopped => "Stopped",
        { HasExited: true } => $"Exited ({child.ExitCode})",
        _ => "Running",
    };

    private sealed class ServiceResource(string name, string serviceName, string project, int port, int? gatewayPort = null)
    {
        public string Name { get; } = name;
        public string ServiceName { get; } = serviceName;
        public string Project { get; } = project;
        public Uri Url { get; private set; } = Local(port);

        /// <summary>The HTTP/2 (prior knowledge) endpoint the gateway uses; Realtime only.</summary>
        public Uri? GatewayUrl { get; private set; } = gatewayPort is { } p ? Local(p) : null;

        /// <summary>False for a port the user chose (<c>--port</c>): that one is kept, or the start fails.</summary>
        public bool CanMove { get; init; } = true;

        public void MoveTo(Func<int> nextPort)
        {
            Url = Local(nextPort());
            if (GatewayUrl is not null) GatewayUrl = Local(nextPort());
        }

        private static Uri Local(int port) => new($"http://127.0.0.1:{port}/");

        public ChildProcess? Process { get; set; }
        public volatile bool Healthy;
    }
}
