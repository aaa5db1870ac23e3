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

    private BenchSystem(DistributedApplication app, Uri web, int? realtimePid)
    {
        this.app = app;
        Web = web;
        RealtimePid = realtimePid;
    }

    public Uri Web { get; }

    /// <summary>The first Realtime replica's service process (not the <c>dotnet run</c> above it).</summary>
    public int? RealtimePid { get; }

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
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.CuteRooms_AppHost>(args);
        // The bench prints its own report; the services' logs are not part of it.
        builder.Services.AddLogging(logging => logging.ClearProviders());
        var app = await builder.BuildAsync();
        await app.StartAsync();
        await app.ResourceNotifications.WaitForResourceHealthyAsync("web");

        var realtime = await app.ResourceNotifications.WaitForResourceAsync("realtime-0", resource => resource.Snapshot.State?.Text == KnownResourceStates.Running);
        var runPid = realtime.Snapshot.Properties.FirstOrDefault(property => property.Name == "executable.pid")?.Value;
        return new BenchSystem(app, app.GetEndpoint("web", "http"), ServiceProcessUnder(Convert.ToInt32(runPid)));
    }

    /// <summary>The orchestrator starts a project with <c>dotnet run</c>; the service is its only child.</summary>
    private static int? ServiceProcessUnder(int runPid)
    {
        try
        {
            var children = File.ReadAllText($"/proc/{runPid}/task/{runPid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return children.Length == 1 ? int.Parse(children[0]) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
