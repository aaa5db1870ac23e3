using CuteRooms.Hosting;

namespace CuteRooms.AppHost.Tests;

/// <summary>One system with two Realtime replicas on the machine's Redis and RabbitMQ, shared by the tests below.</summary>
public sealed class RunningSystem : IAsyncLifetime
{
    public DistributedApp App { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        App = await DistributedApp.StartAsync(new DistributedAppOptions
        {
            WebPort = 0,
            RealtimeReplicas = 2,
            Configuration = TestSupport.Configuration(),
        });
    }

    public async ValueTask DisposeAsync() => await App.DisposeAsync();
}

public sealed class DistributedAppTests(RunningSystem system) : IClassFixture<RunningSystem>
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public void Resources_are_named_as_in_Aspire_in_start_order()
    {
        Assert.Equal(
            ["redis", "messaging", "api", "realtime-0", "realtime-1", "web"],
            system.App.Resources.Select(resource => resource.Name));
    }

    [Fact]
    public void The_machines_own_Redis_and_RabbitMQ_are_reused_without_a_process_of_ours()
    {
        var infrastructure = system.App.Resources.Take(2).ToList();

        Assert.All(infrastructure, resource => Assert.Equal("Reused", resource.State));
        Assert.All(infrastructure, resource => Assert.Null(resource.Pid));
        Assert.Equal("127.0.0.1:6379", system.App.RedisConnectionString);
        Assert.Equal("amqp://guest:guest@127.0.0.1:5672/", system.App.MessagingConnectionString);
    }

    [Fact]
    public async Task Web_and_api_answer_health_on_their_endpoints()
    {
        Assert.Equal(System.Net.HttpStatusCode.OK, (await Http.GetAsync(new Uri(system.App.WebEndpoint, "health"))).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await Http.GetAsync(new Uri(system.App.ApiEndpoint, "health"))).StatusCode);
        Assert.Equal(2, system.App.RealtimeEndpoints.Count);
        Assert.Matches(@"^http://127\.0\.0\.1:\d+/$", system.App.WebEndpoint.ToString());
    }

    [Fact]
    public async Task Killing_a_realtime_replica_ends_that_process_only()
    {
        var before = system.App.Resources.ToDictionary(resource => resource.Name);

        await system.App.KillRealtimeReplicaAsync(1);

        Assert.False(TestSupport.IsAlive(before["realtime-1"].Pid!.Value));
        Assert.True(TestSupport.IsAlive(before["realtime-0"].Pid!.Value));
        Assert.True(TestSupport.IsAlive(before["api"].Pid!.Value));
        Assert.Equal("Killed", system.App.Resources.Single(resource => resource.Name == "realtime-1").State);
    }
}

/// <summary>Starting and stopping a system of its own per test.</summary>
public sealed class DistributedAppLifecycleTests
{
    [Fact]
    public async Task Stopping_ends_every_process_it_started_and_is_idempotent()
    {
        var app = await DistributedApp.StartAsync(new() { WebPort = 0, Configuration = TestSupport.Configuration() });
        var pids = app.Resources.Select(resource => resource.Pid).OfType<int>().ToList();
        Assert.Equal(3, pids.Count);

        await app.StopAsync();
        await app.DisposeAsync();

        Assert.All(pids, pid => Assert.False(TestSupport.IsAlive(pid), $"process {pid} is still alive"));
        Assert.All(app.Resources.Skip(2), resource => Assert.Equal("Stopped", resource.State));
    }

    [Fact]
    public async Task A_service_that_exits_early_fails_the_start_with_its_last_log_lines_and_nothing_is_left_running()
    {
        using var taken = TestSupport.Listen(out var takenPort);
        var log = new StringWriter();
        var options = new DistributedAppOptions { WebPort = 0, Configuration = TestSupport.Configuration(), Log = TextWriter.Synchronized(log) };
        options.ServiceEnvironment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{takenPort}";

        var error = await Assert.ThrowsAsync<DistributedAppException>(() => DistributedApp.StartAsync(options));

        Assert.Matches("'(api|realtime-0)' exited with code", error.Message);
        Assert.Contains("log lines:", error.Message);
        Assert.Contains("address already in use", error.Message);
        var pids = log.ToString().Split('\n')
            .Where(line => line.Contains("(apphost) pid "))
            .Select(line => int.Parse(line[(line.IndexOf("(apphost) pid ", StringComparison.Ordinal) + 14)..].Split(':')[0]))
            .ToList();
        Assert.NotEmpty(pids);
        Assert.True(await TestSupport.EventuallyAsync(() => pids.All(pid => !TestSupport.IsAlive(pid)), TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task An_answer_on_a_service_port_from_another_process_is_not_taken_for_the_service()
    {
        // Another process holds the Web's port and even answers /health with 200.
        using var impostor = new System.Net.HttpListener();
        var port = TestSupport.UnusedPort();
        impostor.Prefixes.Add($"http://127.0.0.1:{port}/");
        impostor.Start();
        _ = Task.Run(async () =>
        {
            try
            {
                while (impostor.IsListening)
                {
                    var context = await impostor.GetContextAsync();
                    context.Response.StatusCode = 200;
                    context.Response.Close();
                }
            }
            catch (Exception exception) when (exception is System.Net.HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                // stopped at the end of the test
            }
        });
        var options = new DistributedAppOptions { WebPort = port, Configuration = TestSupport.Configuration() };

        var error = await Assert.ThrowsAsync<DistributedAppException>(() => DistributedApp.StartAsync(options));

        Assert.Contains("'web' exited with code", error.Message);
        Assert.Contains("address already in use", error.Message);
    }

    [Fact]
    public async Task A_service_whose_port_was_taken_before_it_bound_starts_again_on_another()
    {
        // The first port handed out (the Api's) is taken by another process before the Api binds it.
        using var taken = TestSupport.Listen(out var takenPort);
        var handedOut = 0;
        var options = new DistributedAppOptions
        {
            WebPort = 0,
            Configuration = TestSupport.Configuration(),
            NextServicePort = () => Interlocked.Increment(ref handedOut) == 1 ? takenPort : TestSupport.UnusedPort(),
        };

        await using var app = await DistributedApp.StartAsync(options);

        Assert.NotEqual(takenPort, app.ApiEndpoint.Port);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var health = await http.GetAsync(new Uri(app.ApiEndpoint, "health"));
        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
    }
}
