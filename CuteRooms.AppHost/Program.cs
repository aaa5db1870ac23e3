using System.Runtime.InteropServices;
using CuteRooms.AppHost;
using CuteRooms.Hosting;

// Runs the whole CuteRooms system locally: `dotnet run --project CuteRooms.AppHost -- --port 8080`.
// Redis and RabbitMQ are found or started (see CuteRooms.Hosting.InfrastructureResolver), then Api and
// Realtime, then Web; Ctrl+C or SIGTERM stops every child in reverse order.

var settings = AppHostSettings.Parse(args);
if (settings.Error == AppHostSettings.Help)
{
    Console.WriteLine(AppHostSettings.Usage);
    return 0;
}
if (settings.Error is not null)
{
    Console.Error.WriteLine($"cuterooms-apphost: {settings.Error}");
    Console.Error.WriteLine(AppHostSettings.Usage);
    return 2;
}

using var shutdown = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

DistributedApp app;
try
{
    app = await DistributedApp.StartAsync(settings.ToOptions(Console.Out), shutdown.Token);
}
catch (Exception ex) when (ex is MissingInfrastructureException or DistributedAppException)
{
    Console.Error.WriteLine($"cuterooms-apphost: {ex.Message}");
    return 1;
}
catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
{
    Console.Error.WriteLine("cuterooms-apphost: stopped before the system was up.");
    return 1;
}

await using (app)
{
    ResourceTable.Print(Console.Out, app.Resources);
    ResourceTable.WriteStateFile(app.Resources);
    Console.WriteLine($"CuteRooms is up at {app.WebEndpoint}  (Ctrl+C to stop)");

    await WaitForShutdownAsync(shutdown.Token);
    Console.WriteLine("Stopping…");
    await app.StopAsync();
}
Console.WriteLine("Stopped.");
return 0;

void OnSignal(PosixSignalContext context)
{
    // We stop the children ourselves, then exit 0; the runtime must not end the process first.
    context.Cancel = true;
    shutdown.Cancel();
}

static async Task WaitForShutdownAsync(CancellationToken token)
{
    try
    {
        await Task.Delay(Timeout.Infinite, token);
    }
    catch (OperationCanceledException)
    {
    }
}
