using CuteRooms.Bench;
using CuteRooms.Bench.SideBySide;

// Load generator: admits N subscribers through the Web origin (real gatekeeper cookies), holds their
// SSE streams, posts messages at a fixed rate and reports deliveries, latency and the Realtime
// process's memory per held subscriber. Without --web it boots the whole system from the AppHost.
if (args is ["side-by-side", .. var sideBySideArgs])
{
    SideBySideOptions sideBySide;
    try
    {
        sideBySide = SideBySideOptions.Parse(sideBySideArgs, BenchSystem.RepositoryRoot);
    }
    catch (Exception exception) when (exception is ArgumentException or FormatException)
    {
        Console.Error.WriteLine(exception.Message);
        Console.Error.WriteLine(SideBySideOptions.Usage);
        return 2;
    }
    WarnAboutAutogroups();
    return await new SideBySideRun(sideBySide).ExecuteAsync();
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (Exception exception) when (exception is ArgumentException or FormatException)
{
    Console.Error.WriteLine(exception.Message);
    return 2;
}

// The orchestrator starts the services in a session of their own; with the kernel's autogroup
// scheduling on, that whole session gets one share of the CPU against the load generator's one, and
// delivery latency measures the split rather than CuteRooms (bench/README.md, "Scheduling").
WarnAboutAutogroups();

BenchSystem? system = null;
var web = options.Web;
var realtimePid = options.RealtimePid;
if (web is null)
{
    Console.WriteLine($"Starting the system from the AppHost ({options.RealtimeReplicas} Realtime replica(s))…");
    system = await BenchSystem.StartAsync(options.RealtimeReplicas, options.AppHostSettings);
    web = system.Web;
    realtimePid = system.RealtimePid;
}

try
{
    var run = new BenchRun(options, web, realtimePid, system?.RealtimeHttpEndpoints(), system?.WebPid);
    var report = await run.ExecuteAsync();
    Console.WriteLine();
    Console.WriteLine(report);
    return report.Lost == 0 ? 0 : 1;
}
finally
{
    if (system is not null) await system.DisposeAsync();
}

internal static partial class Program
{
    private const string AutogroupSetting = "/proc/sys/kernel/sched_autogroup_enabled";

    private static void WarnAboutAutogroups()
    {
        if (File.Exists(AutogroupSetting) && File.ReadAllText(AutogroupSetting).Trim() == "1")
        {
            Console.WriteLine($"warning: {AutogroupSetting} is 1: the load generator and the system get equal CPU shares; " +
                "for figures comparable with bench/README.md run `sysctl kernel.sched_autogroup_enabled=0` first.");
        }
    }
}
