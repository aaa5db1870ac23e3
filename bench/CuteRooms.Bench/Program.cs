using CuteRooms.Bench;
using CuteRooms.Hosting;

// Load generator: admits N subscribers through the Web origin (real gatekeeper cookies), holds their
// SSE streams, posts messages at a fixed rate and reports deliveries, latency and the Realtime
// process's memory per held subscriber. Without --web it boots the whole system itself.
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

DistributedApp? system = null;
var web = options.Web;
var realtimePid = options.RealtimePid;
if (web is null)
{
    Console.WriteLine($"Starting the system ({options.RealtimeReplicas} Realtime replica(s))…");
    var appOptions = new DistributedAppOptions { WebPort = 0, RealtimeReplicas = options.RealtimeReplicas, EnvironmentName = "Production" };
    // The bench posts from a few members at a high rate; the per-member limit is not what is measured.
    appOptions.ServiceEnvironment["RateLimits__MessagesPerSecond"] = "100000";
    appOptions.ServiceEnvironment["RateLimits__MessageBurst"] = "100000";
    system = await DistributedApp.StartAsync(appOptions);
    web = system.WebEndpoint;
    realtimePid = system.Resources.FirstOrDefault(resource => resource.Name.StartsWith("realtime", StringComparison.Ordinal))?.Pid;
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
