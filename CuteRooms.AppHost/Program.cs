using CuteRooms.AppHost;
using CuteRooms.AppHost.Infrastructure;

// The whole CuteRooms system and its dashboard: `dotnet run --project CuteRooms.AppHost`
// (options: --port 8080, --realtime-replicas 2, --api-replicas 1, --web-replicas 1; see README "Run").
var builder = DistributedApplication.CreateBuilder(AppHostOptions.ExpandSwitches(args));

if (AppHostSetup.Prepare(builder) is not { } setup)
{
    return 1; // it said what is missing, in one line
}
var (options, redis, messaging) = setup;
builder.Services.AddPatientStartupHealthChecks(); // each step starts when the last is ready, not at Aspire's next probe

var api = builder.AddApi(options, replica => replica
    .WithReference(redis).WaitFor(redis)
    .WithReference(messaging).WaitFor(messaging));

var realtime = builder.AddRealtime(options, replica => replica
    .WithReference(redis).WaitFor(redis)
    .WithReference(messaging).WaitFor(messaging));

var web = builder.AddWeb(options, replica => replica
    .WithReference(redis).WaitFor(redis) // the Web replicas' shared antiforgery keys
    .WithApi(api)
    .WithRealtimeGateway(realtime)
    .WithExternalHttpEndpoints());
web[0].AnnounceWhenReady("CuteRooms is up at {0}  (Ctrl+C to stop)");

try
{
    builder.Build().Run();
}
finally
{
    TemporaryDirectory.RemoveAll();
}
return 0;
