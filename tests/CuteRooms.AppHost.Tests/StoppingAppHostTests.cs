using System.Diagnostics;

namespace CuteRooms.AppHost.Tests;

/// <summary>
/// An AppHost run until it is up, then stopped by a signal; records what it had started and what of
/// it is still there 20 s later. The tests below each check one thing about how it went.
/// </summary>
public abstract class StoppedAppHost : IAsyncLifetime
{
    public static readonly TimeSpan StopBudget = TimeSpan.FromSeconds(20);

    private AppHostProcess? host;

    public IReadOnlyList<ProcessEntry> Started { get; private set; } = [];
    public IReadOnlyList<ProcessEntry> LeftAfterStop { get; private set; } = [];
    /// <summary>The servers' data directories while it ran, and those still there after it stopped.</summary>
    public IReadOnlyList<string> DataDirectories { get; private set; } = [];
    public IReadOnlyList<string> DataDirectoriesLeft { get; private set; } = [];
    public TimeSpan TimeToAllGone { get; private set; }
    public bool Exited { get; private set; }
    public int ExitCode { get; private set; }
    public string Output => host?.Describe() ?? "";

    protected virtual IReadOnlyDictionary<string, string?> Environment { get; } = new Dictionary<string, string?>();

    protected abstract void Stop(AppHostProcess appHost);

    public async ValueTask InitializeAsync()
    {
        host = AppHostProcess.Start(Environment, "--port", LoopbackPorts.Free().ToString());
        await host.WaitUntilUpAsync(TimeSpan.FromSeconds(120));
        Started = ProcessTable.StartedBy(host.Pid);
        DataDirectories = ServerDataDirectories(host);

        var clock = Stopwatch.StartNew();
        Stop(host);
        Exited = await host.WaitForExitAsync(StopBudget);
        ExitCode = Exited ? host.ExitCode : -1;
        while (Started.Any(process => process.IsAlive) && clock.Elapsed < StopBudget)
        {
            await Task.Delay(100);
        }
        TimeToAllGone = clock.Elapsed;
        LeftAfterStop = [.. Started.Where(process => process.IsAlive)];
        DataDirectoriesLeft = ServerDataDirectories(host);
        TestContext.Current.SendDiagnosticMessage($"{GetType().Name}: everything gone {TimeToAllGone.TotalSeconds:F1} s after the signal");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in LeftAfterStop.Where(process => process.IsAlive))
        {
            try { Process.GetProcessById(process.Pid).Kill(); } catch (ArgumentException) { }
        }
        if (host is not null) await host.DisposeAsync();
    }

    private static IReadOnlyList<string> ServerDataDirectories(AppHostProcess appHost) =>
        [.. Directory.EnumerateDirectories(appHost.TempDirectory, "cuterooms-*")];
}

/// <summary>Ctrl+C in a terminal: SIGINT to the AppHost's whole process group. Redis and RabbitMQ are its own children.</summary>
public sealed class AppHostStoppedByCtrlC : StoppedAppHost
{
    protected override void Stop(AppHostProcess appHost) => appHost.SignalGroup(AppHostProcess.SigInt);
}

/// <summary>A service manager's SIGTERM to the AppHost alone; Redis and RabbitMQ given as connection strings.</summary>
public sealed class AppHostStoppedBySigterm : StoppedAppHost
{
    protected override IReadOnlyDictionary<string, string?> Environment { get; } = new Dictionary<string, string?>
    {
        ["ConnectionStrings__redis"] = TestSystem.RedisConnectionString,
        ["ConnectionStrings__messaging"] = TestSystem.MessagingConnectionString,
    };

    protected override void Stop(AppHostProcess appHost) => appHost.Signal(AppHostProcess.SigTerm);
}

public sealed class AppHostStoppedByCtrlCTests(AppHostStoppedByCtrlC run) : IClassFixture<AppHostStoppedByCtrlC>
{
    [Fact]
    public void It_had_started_the_orchestrator_the_dashboard_every_service_and_both_servers()
    {
        var commands = string.Join('\n', run.Started.Select(process => process.CommandLine));

        // epmd too: the node's own port mapper, a resource like the others rather than a daemon that outlives it.
        foreach (var part in new[] { "dcp", "Aspire.Dashboard", "CuteRooms.Api", "CuteRooms.Realtime", "CuteRooms.Web", "redis-server", "beam.smp", "epmd -address 127.0.0.1" })
        {
            Assert.Contains(part, commands);
        }
    }

    [Fact]
    public void Within_20_seconds_nothing_it_started_is_left()
    {
        Assert.True(run.LeftAfterStop.Count == 0, $"still running after {run.TimeToAllGone}:\n{string.Join('\n', run.LeftAfterStop)}\n{run.Output}");
    }

    [Fact]
    public void It_exits_with_code_0()
    {
        Assert.True(run.Exited, $"it did not exit within {StoppedAppHost.StopBudget}");
        Assert.Equal(0, run.ExitCode);
    }

    [Fact]
    public void The_data_directories_of_its_servers_are_removed()
    {
        Assert.Equal(2, run.DataDirectories.Count);
        Assert.Empty(run.DataDirectoriesLeft);
    }
}

public sealed class AppHostStoppedBySigtermTests(AppHostStoppedBySigterm run) : IClassFixture<AppHostStoppedBySigterm>
{
    [Fact]
    public void Within_20_seconds_nothing_it_started_is_left()
    {
        Assert.True(run.LeftAfterStop.Count == 0, $"still running after {run.TimeToAllGone}:\n{string.Join('\n', run.LeftAfterStop)}\n{run.Output}");
    }

    [Fact]
    public void It_exits_with_code_0()
    {
        Assert.True(run.Exited, $"it did not exit within {StoppedAppHost.StopBudget}");
        Assert.Equal(0, run.ExitCode);
    }

    [Fact]
    public void With_connection_strings_in_its_configuration_it_starts_no_server_of_its_own()
    {
        Assert.DoesNotContain(run.Started, process => process.CommandLine.Contains("redis-server") || process.CommandLine.Contains("beam.smp"));
        Assert.Contains(run.Started, process => process.CommandLine.Contains("CuteRooms.Api"));
        Assert.Empty(run.DataDirectories);
    }
}
