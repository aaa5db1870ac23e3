using System.Net;
using System.Net.Http.Json;
using CuteRooms.Contracts;
using StackExchange.Redis;

[assembly: AssemblyFixture(typeof(CuteRooms.Realtime.Tests.SystemFixture))]

namespace CuteRooms.Realtime.Tests;

/// <summary>
/// The whole system booted once through the AppHost, with two Realtime replicas, on real Redis and
/// RabbitMQ. Tests talk to the Api and to each replica directly and isolate their data by creating
/// fresh rooms.
/// </summary>
public sealed class SystemFixture : IAsyncLifetime
{
    private TestSystem? system;
    private ConnectionMultiplexer? redis;

    public TestSystem App => system ?? throw new InvalidOperationException("Not started.");
    public HttpClient Api { get; private set; } = null!;
    public IDatabase Redis => redis!.GetDatabase();
    public Uri Replica(int index) => App.RealtimeEndpoints[index];

    public async ValueTask InitializeAsync()
    {
        var settings = Settings(heartbeat: "00:00:02");
        // Each replica logs the requests it serves, so a test can tell which one the gateway chose.
        settings["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information";
        system = await TestSystem.StartAsync("realtime-system", realtimeReplicas: 2, settings);
        Api = new HttpClient { BaseAddress = system.ApiEndpoint };
        redis = await ConnectionMultiplexer.ConnectAsync(TestSystem.RedisConnectionString);
    }

    /// <summary>Settings of a test system: limits out of the way of bursts, short lifetimes allowed.</summary>
    public static Dictionary<string, string> Settings(string? heartbeat = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["RateLimits:RoomsPerMinute"] = "100000",
            ["RateLimits:MessagesPerSecond"] = "100000",
            ["RateLimits:MessageBurst"] = "100000",
            ["RateLimits:AddressMessagesPerSecond"] = "100000",
            ["RateLimits:AddressMessageBurst"] = "100000",
            ["RateLimits:AdmissionsPerMinute"] = "100000",
            ["RateLimits:StreamsPerMember"] = "1000",
            ["Rooms:MinTtlSeconds"] = "1",
        };
        if (heartbeat is not null)
        {
            settings["Realtime:HeartbeatInterval"] = heartbeat;
            settings["Realtime:KeepAliveInterval"] = heartbeat;
        }
        return settings;
    }

    public async ValueTask DisposeAsync()
    {
        Api?.Dispose();
        if (redis is not null) await redis.DisposeAsync();
        if (system is not null) await system.DisposeAsync();
    }
}

/// <summary>Calls of the Api that tests arrange rooms with.</summary>
public static class ApiCalls
{
    public static async Task<RoomResponse> CreateRoomAsync(this HttpClient api, int ttlSeconds = 600)
    {
        var response = await api.PostAsJsonAsync("api/rooms", new CreateRoomRequest("test", ttlSeconds));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<RoomResponse>())!;
    }

    public static async Task<string> AdmitAsync(this HttpClient api, string roomId)
    {
        var response = await api.PostAsJsonAsync($"internal/rooms/{roomId}/admissions", new AdmissionRequest());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<AdmissionResponse>())!.Token;
    }

    public static async Task<HttpResponseMessage> PostMessageAsync(this HttpClient api, string roomId, string token, string text)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/rooms/{roomId}/messages")
        {
            Content = JsonContent.Create(new PostMessageRequest(text)),
        };
        request.Headers.Add("Cookie", $"{AuthCookie.Name}={token}");
        return await api.SendAsync(request);
    }

    public static async Task<MessageResponse> PostAsync(this HttpClient api, string roomId, string token, string text)
    {
        var response = await api.PostMessageAsync(roomId, token, text);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<MessageResponse>())!;
    }

    public static async Task<RoomResponse> GetRoomAsync(this HttpClient api, string roomId) =>
        (await api.GetFromJsonAsync<RoomResponse>($"api/rooms/{roomId}"))!;
}
