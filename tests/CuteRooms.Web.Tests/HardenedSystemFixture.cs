namespace CuteRooms.Web.Tests;

/// <summary>
/// A whole system as an operator would harden it: two replicas of each service (the Web's each on its own
/// address, as a load balancer would reach them; <see cref="WebEndpoint"/> is the first), small limits
/// that tests can reach, a proxy the Web trusts at <see cref="LoopbackClients.TrustedProxy"/>, and
/// a short timeout on the Web's calls to the Api.
/// </summary>
public sealed class HardenedSystemFixture : IAsyncLifetime
{
    public const int RoomsPerMinute = 4;
    public const int AdmissionsPerMinute = 4;
    public const int MessageBurst = 3;
    public const int AddressMessageBurst = 5;
    public const int StreamsPerMember = 2;
    public static readonly TimeSpan ApiAttemptTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Where the operator says browsers reach this system (plain http, so cookies stay as the scheme makes them).</summary>
    public static readonly Uri PublicOrigin = new("http://rooms.example:8443");

    private TestSystem? system;

    public TestSystem System => system ?? throw new InvalidOperationException("The system has not started.");

    public Uri WebEndpoint => System.WebEndpoint;

    public async ValueTask InitializeAsync()
    {
        system = await TestSystem.StartAsync("web-hardened-system", realtimeReplicas: 2,
            new Dictionary<string, string>
            {
                ["RateLimits:RoomsPerMinute"] = $"{RoomsPerMinute}",
                ["RateLimits:AdmissionsPerMinute"] = $"{AdmissionsPerMinute}",
                ["RateLimits:MessagesPerSecond"] = "1",
                ["RateLimits:MessageBurst"] = $"{MessageBurst}",
                ["RateLimits:AddressMessagesPerSecond"] = "1",
                ["RateLimits:AddressMessageBurst"] = $"{AddressMessageBurst}",
                ["RateLimits:StreamsPerMember"] = $"{StreamsPerMember}",
            },
            apiReplicas: 2,
            webReplicas: 2,
            webSettings: new Dictionary<string, string>
            {
                ["TrustedProxies:Networks:0"] = $"{LoopbackClients.TrustedProxy}/32",
                ["ApiClient:AttemptTimeout"] = ApiAttemptTimeout.ToString(),
                ["PublicOrigin:Url"] = PublicOrigin.ToString(),
            });
    }

    public HttpClient ClientFrom(System.Net.IPAddress address) => LoopbackClients.From(address, WebEndpoint);

    public async ValueTask DisposeAsync()
    {
        if (system is not null) await system.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class HardenedSystemCollection : ICollectionFixture<HardenedSystemFixture>
{
    public const string Name = "hardened system";
}
