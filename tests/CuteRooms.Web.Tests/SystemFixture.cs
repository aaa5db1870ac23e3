using CuteRooms.Hosting;

namespace CuteRooms.Web.Tests;

/// <summary>
/// The whole system (Redis, RabbitMQ, Api, Realtime, Web) booted once per test collection, plus one
/// headless Chromium (Debian's, never a downloaded one). Tests isolate themselves by fresh rooms
/// and fresh browser contexts.
/// </summary>
public sealed class SystemFixture : IAsyncLifetime
{
    private DistributedApp? app;
    private IPlaywright? playwright;
    private Uri? webEndpoint;
    private TextWriter? log;

    public Uri WebEndpoint => webEndpoint ?? throw new InvalidOperationException("The system has not started.");

    public IBrowser Browser { get; private set; } = default!;

    public async ValueTask InitializeAsync()
    {
        log = ServiceLogFile.Create("web-system");
        var options = new DistributedAppOptions { WebPort = 0, RealtimeReplicas = 1, Log = log };
        // Every test creates rooms from the same address; the production limit would throttle the suite.
        options.ServiceEnvironment["RateLimits__RoomsPerMinute"] = "10000";
        app = await DistributedApp.StartAsync(options);
        await InitializeAsync(app.WebEndpoint);
    }

    /// <summary>Only the browser, for a system someone else booted.</summary>
    public async Task InitializeAsync(Uri web)
    {
        webEndpoint = web;
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(BrowserSettings.Launch);
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        playwright?.Dispose();
        if (app is not null) await app.DisposeAsync();
        if (log is not null) await log.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<SystemFixture>
{
    public const string Name = "system";
}
