using CuteRooms.Bench;

// Load generator: admits N subscribers through the Web origin (real gatekeeper cookies), holds their
// SSE streams, posts messages at a fixed rate and reports deliveries, latency and the Realtime
// process's memory per held subscriber. Without --web it boots the whole system from the AppHost.
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

BenchSystem? system = null;
var web = options.Web;
var realtimePid = options.RealtimePid;
if (web is null)
{
    Console.WriteLine($"Starting the system from the AppHost ({options.RealtimeReplicas} Realtime replica(s))…");
    system = await BenchSystem.StartAsync(options.RealtimeReplicas);
    web = system.Web;
    realtimePid = system.RealtimePid;
}

try
{
    var run = new BenchRun(options, web, realtimePid);
    var report = await run.ExecuteAsync();
    Console.WriteLine();
    Console.WriteLine(report);
    return report.Lost == 0 ? 0 : 1;
}
finally
{
    if (system is not null) await system.DisposeAsync();
}
