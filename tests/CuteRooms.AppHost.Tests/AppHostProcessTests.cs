using System.Diagnostics;
using CuteRooms.Hosting;

namespace CuteRooms.AppHost.Tests;

/// <summary>
/// One AppHost run on the machine's Redis (6379) and RabbitMQ, up and then sent SIGTERM; the tests below
/// each check one thing about how it went.
/// </summary>
public sealed class AppHostStoppedBySigterm : IAsyncLifetime
{
    private const int SigTerm = 15;
    private AppHostProcess? _host;

    public IReadOnlyList<ResourceInfo> Resources { get; private set; } = [];
    public TimeSpan TimeToExit { get; private set; }
    public bool Exited { get; private set; }
    public int ExitCode { get; private set; }
    public IReadOnlyList<string> Output => _host?.StandardOutput ?? [];

    public async ValueTask InitializeAsync()
    {
        _host = AppHostProcess.Start(
            new Dictionary<string, string?> { ["Resources__redis__LocalPort"] = TestSupport.SystemRedisPort },
            "--port", "0");
        Resources = await _host.WaitUntilUpAsync(TimeSpan.FromSeconds(120));

        var clock = Stopwatch.StartNew();
        _host.Signal(SigTerm);
        Exited = await _host.WaitForExitAsync(TimeSpan.FromSeconds(20));
        TimeToExit = clock.Elapsed;
        ExitCode = Exited ? _host.ExitCode : -1;
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}

public sealed class AppHostProcessTests(AppHostStoppedBySigterm run) : IClassFixture<AppHostStoppedBySigterm>
{
    [Fact]
    public void It_prints_a_table_of_every_resource_with_its_health_url()
    {
        var output = string.Join('\n', run.Output);

        Assert.Contains("NAME", output);
        Assert.All(run.Resources.Where(resource => resource.HealthUrl is not null),
            resource => Assert.Contains(resource.HealthUrl!.ToString(), output));
        Assert.Equal(["redis", "messaging", "api", "realtime-0", "web"], run.Resources.Select(resource => resource.Name));
    }

    [Fact]
    public void SIGTERM_makes_it_exit_cleanly_within_15_seconds()
    {
        Assert.True(run.Exited, "the AppHost did not exit after SIGTERM");
        Assert.True(run.TimeToExit < TimeSpan.FromSeconds(15), $"took {run.TimeToExit}");
        Assert.Equal(0, run.ExitCode);
    }

    [Fact]
    public void After_SIGTERM_none_of_the_processes_it_started_is_alive()
    {
        var pids = run.Resources.Select(resource => resource.Pid).OfType<int>().ToList();

        Assert.Equal(3, pids.Count);
        Assert.All(pids, pid => Assert.False(TestSupport.IsAlive(pid), $"process {pid} is still alive"));
    }

    [Fact]
    public async Task A_Redis_already_on_the_local_port_is_reused_and_still_answers_PING_after_it_stops()
    {
        var redis = run.Resources.Single(resource => resource.Name == "redis");

        Assert.Equal("Reused", redis.State);
        Assert.Null(redis.Pid);
        Assert.Equal($"127.0.0.1:{TestSupport.SystemRedisPort}", redis.Endpoint);
        Assert.True(await TestSupport.RedisAnswersPingAsync(int.Parse(TestSupport.SystemRedisPort)));
    }
}

public sealed class AppHostMissingInfrastructureTests
{
    [Fact]
    public async Task Without_RabbitMQ_anywhere_it_exits_non_zero_within_30_seconds_with_one_line_naming_it_and_no_stack_trace()
    {
        var emptyBin = Directory.CreateTempSubdirectory("cuterooms-empty-path-").FullName;
        try
        {
            await using var host = AppHostProcess.Start(
                new Dictionary<string, string?>
                {
                    ["PATH"] = emptyBin,
                    ["Resources__redis__LocalPort"] = TestSupport.SystemRedisPort,
                    ["Resources__messaging__LocalPort"] = TestSupport.UnusedPort().ToString(),
                },
                "--port", "0");

            Assert.True(await host.WaitForExitAsync(TimeSpan.FromSeconds(30)), "the AppHost kept running");
            await Task.Delay(200); // the last stderr line

            Assert.NotEqual(0, host.ExitCode);
            var stderr = Assert.Single(host.StandardError);
            Assert.Contains("RabbitMQ ('messaging') was not found", stderr);
            Assert.Contains("apt-get install rabbitmq-server", stderr);
            Assert.DoesNotContain(" at ", stderr);
            Assert.DoesNotContain("Exception", stderr);
        }
        finally
        {
            Directory.Delete(emptyBin);
        }
    }
}
