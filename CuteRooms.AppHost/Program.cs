using CuteRooms.AppHost;
using CuteRooms.AppHost.Infrastructure;

// The whole CuteRooms system and its dashboard: `dotnet run --project CuteRooms.AppHost`
// (options: --port 8080, --realtime-replicas 2; see README "Run").
var builder = DistributedApplication.CreateBuilder(AppHostOptions.ExpandSwitches(args));

AppHostOptions options;
IResourceBuilder<IResourceWithConnectionString> redis, messaging;
try
{
    options = AppHostOptions.From(builder.Configuration);
    redis = builder.AddRedisServer("redis");
    messaging = builder.AddRabbitMQServer("messaging");
}
catch (AppHostSetupException problem)
{
    // One line a newcomer can act on (what is missing, how to get it), not a stack trace.
    Console.Error.WriteLine($"cuterooms-apphost: {problem.Message}");
    return 1;
}

var api = builder.AddService<Projects.CuteRooms_Api>("api", options)
    .WithReference(redis).WaitFor(redis)
    .WithReference(messaging).WaitFor(messaging);

var realtime = builder.AddRealtime(options, replica => replica
    .WithReference(redis).WaitFor(redis)
    .WithReference(messaging).WaitFor(messaging));

builder.AddService<Projects.CuteRooms_Web>("web", options, port: options.WebPort)
    .WithReference(api).WaitFor(api)
    .WithRealtimeGateway(realtime)
    .WithExternalHttpEndpoints()
    .AnnounceWhenReady("CuteRooms is up at {0}  (Ctrl+C to stop)");

builder.Build().Run();
TemporaryDirectory.RemoveAll();
return 0;
