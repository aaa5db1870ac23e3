using System.Collections.Concurrent;
using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CuteRooms.Tests;

/// <summary>
/// The real AppHost's app model booted through Aspire.Hosting.Testing, on the machine's Redis and
/// RabbitMQ (<c>ConnectionStrings__redis</c> / <c>__messaging</c>, else the local defaults that
/// <c>.ci/run</c> starts). Every resource's console goes to <c>service-logs/{name}.log</c> beside the tests.
/// </summary>
public sealed class TestSystem : IAsyncDisposable
{
    public static string RedisConnectionString { get; } =
        Environment.GetEnvironmentVariable("ConnectionStrings__redis") ?? "127.0.0.1:6379";

    public static string MessagingConnectionString { get; } =
        Environment.GetEnvironmentVariable("ConnectionStrings__messaging") ?? "amqp://guest:guest@127.0.0.1:5672/";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan StateTimeout = TimeSpan.FromSeconds(60);

    private readonly DistributedApplication app;
    private readonly TextWriter log;
    private readonly ResourceConsoles consoles;

    private TestSystem(DistributedApplication app, TextWriter log, ResourceConsoles consoles, int realtimeReplicas, int apiReplicas, int webReplicas)
    {
        this.app = app;
        this.log = log;
        this.consoles = consoles;
        WebEndpoints = [.. Enumerable.Range(0, webReplicas).Select(index => app.GetEndpoint(index == 0 ? "web" : $"web-{index}", "http"))];
        WebEndpoint = WebEndpoints[0];
        ApiEndpoints = apiReplicas == 1
            ? [app.GetEndpoint("api", "http")]
            : [.. Enumerable.Range(0, apiReplicas).Select(index => app.GetEndpoint($"api-{index}", "http"))];
        ApiEndpoint = ApiEndpoints[0];
        RealtimeEndpoints = [.. Enumerable.Range(0, realtimeReplicas).Select(index => app.GetEndpoint(RealtimeReplica(index), "http"))];
    }

    public Uri WebEndpoint { get; }

    /// <summary>Every Web replica's own address (<c>web</c>, <c>web-1</c>…), as a load balancer in front would reach them.</summary>
    public IReadOnlyList<Uri> WebEndpoints { get; }
    public Uri ApiEndpoint { get; }
    public IReadOnlyList<Uri> ApiEndpoints { get; }
    public IReadOnlyList<Uri> RealtimeEndpoints { get; }

    public static string RealtimeReplica(int index) => $"realtime-{index}";

    /// <param name="name">Names the log file.</param>
    /// <param name="serviceSettings">Configuration for every service (timings, limits), through the AppHost's <c>CuteRooms:ServiceSettings</c>.</param>
    /// <param name="webSettings">Configuration for the Web alone (<c>CuteRooms:ResourceSettings:web</c>).</param>
    /// <param name="ownBroker">A RabbitMQ of the system's own (<c>rabbitmq-server</c> from PATH, the <c>messaging</c> resource), which a test may stop and start.</param>
    /// <param name="webReplicas">Web replicas; each after the first gets a home directory of its own, as on another host (nothing shared through the disk).</param>
    public static async Task<TestSystem> StartAsync(string name, int realtimeReplicas, IReadOnlyDictionary<string, string>? serviceSettings = null,
        int apiReplicas = 1, IReadOnlyDictionary<string, string>? webSettings = null, bool ownBroker = false, int webReplicas = 1)
    {
        var homes = Enumerable.Range(1, webReplicas - 1).Select(_ => Directory.CreateTempSubdirectory("cuterooms-web-home-").FullName).ToList();
        string[] args =
        [
            $"--ConnectionStrings:redis={RedisConnectionString}",
            .. ownBroker ? (string[])["--CuteRooms:UseContainers=false"] : [$"--ConnectionStrings:messaging={MessagingConnectionString}"],
            "--CuteRooms:WebPort=0",
            $"--CuteRooms:RealtimeReplicas={realtimeReplicas}",
            $"--CuteRooms:ApiReplicas={apiReplicas}",
            $"--CuteRooms:WebReplicas={webReplicas}",
            // No dashboard runs under test: nothing to export telemetry to.
            "--CuteRooms:ServiceSettings:OTEL_EXPORTER_OTLP_ENDPOINT=",
            .. (serviceSettings ?? new Dictionary<string, string>()).Select(setting => $"--CuteRooms:ServiceSettings:{setting.Key}={setting.Value}"),
            .. (webSettings ?? new Dictionary<string, string>()).Select(setting => $"--CuteRooms:ResourceSettings:web:{setting.Key}={setting.Value}"),
            .. homes.Select((home, index) => $"--CuteRooms:ResourceSettings:web-{index + 1}:HOME={home}"),
        ];

        var log = ServiceLogFile.Create(name);
        var consoles = new ResourceConsoles();
        DistributedApplication? app = null;
        try
        {
            using var timeout = new CancellationTokenSource(StartTimeout);
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.CuteRooms_AppHost>(args, timeout.Token);
            builder.Services.AddLogging(logging => logging
                .ClearProviders()
                .AddProvider(new ServiceLogFile.Provider(log))
                .AddProvider(consoles)
                .SetMinimumLevel(LogLevel.Information)
                .AddFilter("Aspire.Hosting.Dcp", LogLevel.Warning)
                .AddFilter("Microsoft.AspNetCore", LogLevel.Warning));

            app = await builder.BuildAsync(timeout.Token);
            await app.StartAsync(timeout.Token);
            for (var index = 0; index < webReplicas; index++)
            {
                await app.ResourceNotifications.WaitForResourceHealthyAsync(index == 0 ? "web" : $"web-{index}", timeout.Token);
            }
            return new TestSystem(app, log, consoles, realtimeReplicas, apiReplicas, webReplicas) { homes = homes };
        }
        catch
        {
            if (app is not null) await app.DisposeAsync();
            await log.DisposeAsync();
            foreach (var home in homes) Directory.Delete(home, recursive: true);
            throw;
        }
    }

    /// <summary>SIGKILLs a Realtime replica (its <c>dotnet run</c> and the service under it), as a crash would.</summary>
    public async Task KillRealtimeReplicaAsync(int index)
    {
        var name = RealtimeReplica(index);
        var running = await WaitForAsync(name, resource => resource.Snapshot.State?.Text == KnownResourceStates.Running);
        var pid = running.Snapshot.Properties.Single(property => property.Name == "executable.pid").Value;
        using (var process = Process.GetProcessById(Convert.ToInt32(pid)))
        {
            process.Kill(entireProcessTree: true);
        }
        await WaitForAsync(name, IsStopped);
    }

    /// <summary>
    /// The process of a project resource's service (the orchestrator runs <c>dotnet run</c>, and the
    /// service is the process under it whose program is the project's own), e.g. to read its memory.
    /// </summary>
    public async Task<int> ServiceProcessIdAsync(string resource, string program)
    {
        var running = await WaitForAsync(resource, state => state.Snapshot.State?.Text == KnownResourceStates.Running);
        var launcher = Convert.ToInt32(running.Snapshot.Properties.Single(property => property.Name == "executable.pid").Value);
        foreach (var process in ProcessTable.Tree(launcher))
        {
            var command = process.CommandLine.Split(' ')[0];
            if (Path.GetFileName(command) == program || command.EndsWith($"{program}.dll", StringComparison.Ordinal)) return process.Pid;
        }
        throw new InvalidOperationException($"No process {program} under {resource} ({launcher}).");
    }

    /// <summary>Stops a Realtime replica as the dashboard's Stop command does (SIGTERM, then a grace period), and waits until it has.</summary>
    public Task StopRealtimeReplicaAsync(int index) => StopResourceAsync(RealtimeReplica(index));

    /// <summary>
    /// Starts a stopped Realtime replica as the dashboard's Start command does, and waits until it is
    /// healthy (its last state was a terminal one, so no earlier "healthy" can answer for the new process).
    /// </summary>
    public Task StartRealtimeReplicaAsync(int index) => StartResourceAsync(RealtimeReplica(index));

    /// <summary>Stops a resource (say, <c>messaging</c>) as the dashboard's Stop command does, and waits until it has.</summary>
    public async Task StopResourceAsync(string resource)
    {
        await CommandAsync(resource, KnownResourceCommands.StopCommand);
        await WaitForAsync(resource, IsStopped);
    }

    /// <summary>Starts a stopped resource as the dashboard's Start command does, and waits until it is healthy.</summary>
    public async Task StartResourceAsync(string resource)
    {
        await CommandAsync(resource, KnownResourceCommands.StartCommand);
        await WaitForAsync(resource, state =>
            state.Snapshot.State?.Text == KnownResourceStates.Running
            && state.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy);
    }

    /// <summary>The console lines of a resource so far (the last 20,000).</summary>
    public IReadOnlyList<string> ConsoleLines(string resource) => consoles.Lines(resource);

    /// <summary>Whether the resource writes such a console line within <paramref name="timeout"/> (lines reach the AppHost a little after they are written).</summary>
    public async Task<bool> WritesToConsoleAsync(string resource, Func<string, bool> line, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!consoles.Lines(resource).Any(line))
        {
            if (clock.Elapsed > timeout) return false;
            await Task.Delay(100);
        }
        return true;
    }

    private IReadOnlyList<string> homes = [];

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        await log.DisposeAsync();
        foreach (var home in homes) Directory.Delete(home, recursive: true);
    }

    private static bool IsStopped(ResourceEvent resource) =>
        resource.Snapshot.State?.Text is { } state && KnownResourceStates.TerminalStates.Contains(state);

    private async Task<ResourceEvent> WaitForAsync(string resource, Func<ResourceEvent, bool> predicate)
    {
        using var timeout = new CancellationTokenSource(StateTimeout);
        return await app.ResourceNotifications.WaitForResourceAsync(resource, predicate, timeout.Token);
    }

    private async Task CommandAsync(string resource, string command)
    {
        var result = await app.ResourceCommands.ExecuteCommandAsync(resource, command);
        if (!result.Success)
        {
            throw new InvalidOperationException($"{command} of {resource} failed: {result.Message}");
        }
    }
}

/// <summary>The last console lines of each resource (Aspire.Hosting.Testing logs them as <c>…Resources.{name}</c>).</summary>
internal sealed class ResourceConsoles : ILoggerProvider
{
    private const string ResourcesCategory = ".Resources.";
    private const int LinesKept = 20_000;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> lines = new();

    public IReadOnlyList<string> Lines(string resource) => lines.TryGetValue(resource, out var queue) ? [.. queue] : [];

    public ILogger CreateLogger(string categoryName) =>
        categoryName.LastIndexOf(ResourcesCategory, StringComparison.Ordinal) is var at and >= 0
            ? new Recorder(lines.GetOrAdd(categoryName[(at + ResourcesCategory.Length)..], _ => new()))
            : NullLogger.Instance;

    public void Dispose()
    {
    }

    private sealed class Recorder(ConcurrentQueue<string> queue) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            queue.Enqueue(formatter(state, exception));
            while (queue.Count > LinesKept && queue.TryDequeue(out _))
            {
            }
        }
    }
}
