using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CuteRooms.Bench;

/// <summary>
/// The whole system booted from the real AppHost's app model (Aspire.Hosting.Testing), in the bench's
/// build configuration, on the machine's Redis and RabbitMQ (<c>ConnectionStrings__redis</c> /
/// <c>__messaging</c>, else 127.0.0.1:6379 and :5672). Production environment, no dashboard, the
/// per-member post limit lifted (the bench posts from a few members; that limit is not what it measures).
/// </summary>
public sealed class BenchSystem : IAsyncDisposable
{
    private readonly DistributedApplication app;

    private BenchSystem(DistributedApplication app, Uri web, int realtimePid)
    {
        this.app = app;
        Web = web;
        RealtimePid = realtimePid;
    }

    public Uri Web { get; }

    /// <summary>The first Realtime replica's service process (not the <c>dotnet run</c> above it).</summary>
    public int RealtimePid { get; }

    public static async Task<BenchSystem> StartAsync(int realtimeReplicas)
    {
        string[] args =
        [
            "--environment=Production",
            $"--ConnectionStrings:redis={Environment.GetEnvironmentVariable("ConnectionStrings__redis") ?? "127.0.0.1:6379"}",
            $"--ConnectionStrings:messaging={Environment.GetEnvironmentVariable("ConnectionStrings__messaging") ?? "amqp://guest:guest@127.0.0.1:5672/"}",
            "--CuteRooms:WebPort=0",
            $"--CuteRooms:RealtimeReplicas={realtimeReplicas}",
            "--CuteRooms:ServiceSettings:OTEL_EXPORTER_OTLP_ENDPOINT=",
            "--CuteRooms:ServiceSettings:RateLimits:MessagesPerSecond=100000",
            "--CuteRooms:ServiceSettings:RateLimits:MessageBurst=100000",
        ];
        // Bounded like the rest of the run: a system that does not come up ends the bench.
        using var timeout = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.CuteRooms_AppHost>(args, timeout.Token);
        // The bench prints its own report; the services' logs are not part of it.
        builder.Services.AddLogging(logging => logging.ClearProviders());
        var app = await builder.BuildAsync(timeout.Token);
        try
        {
            await app.StartAsync(timeout.Token);
            await app.ResourceNotifications.WaitForResourceHealthyAsync("web", timeout.Token);
            var realtime = await app.ResourceNotifications.WaitForResourceAsync(
                "realtime-0", resource => resource.Snapshot.State?.Text == KnownResourceStates.Running, timeout.Token);
            var runPid = Convert.ToInt32(realtime.Snapshot.Properties.Single(property => property.Name == "executable.pid").Value);
            return new BenchSystem(app, app.GetEndpoint("web", "http"), ServiceProcessUnder(runPid));
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            await app.DisposeAsync();
            throw new TimeoutException($"The system was not up within {StartTimeout.TotalSeconds:0} s (are Redis and RabbitMQ running?).");
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    /// <summary>The orchestrator starts a project with <c>dotnet run</c>; the service is the process whose parent that is.</summary>
    private static int ServiceProcessUnder(int runPid)
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                // "pid (comm) state ppid …": comm may hold spaces and parentheses.
                if (int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]) == runPid) return pid;
            }
            catch (IOException)
            {
                // gone meanwhile
            }
        }
        throw new InvalidOperationException($"No process under realtime-0's dotnet run ({runPid}): its memory cannot be measured.");
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
