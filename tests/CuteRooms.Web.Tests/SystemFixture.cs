namespace CuteRooms.Web.Tests;

/// <summary>
/// The whole system (Redis, RabbitMQ, Api, Realtime, Web) booted once per test collection, plus one
/// headless Chromium (Debian's, never a downloaded one). Tests isolate themselves by fresh rooms
/// and fresh browser contexts.
/// </summary>
public sealed class SystemFixture : IAsyncLifetime
{
    private TestSystem? system;
    private IPlaywright? playwright;
    private Uri? webEndpoint;

    public Uri WebEndpoint => webEndpoint ?? throw new InvalidOperationException("The system has not started.");

    /// <summary>The system this fixture booted (none when it only drives a browser for someone else's).</summary>
    public TestSystem System => system ?? throw new InvalidOperationException("This fixture did not boot a system.");

    public IBrowser Browser { get; private set; } = default!;

    public async ValueTask InitializeAsync()
    {
        system = await TestSystem.StartAsync("web-system", realtimeReplicas: 1, Settings);
        await InitializeAsync(system.WebEndpoint);
    }

    /// <summary>Every test creates rooms and members from the same address; the production limits would throttle the suite.</summary>
    public static IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["RateLimits:RoomsPerMinute"] = "10000",
        ["RateLimits:AdmissionsPerMinute"] = "10000",
        ["RateLimits:AddressMessagesPerSecond"] = "10000",
        ["RateLimits:AddressMessageBurst"] = "10000",
    };

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
        if (system is not null) await system.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<SystemFixture>
{
    public const string Name = "system";
}
