using System.Net;
using System.Net.Http.Json;
using CuteRooms.Contracts;
using CuteRooms.Hosting;
using StackExchange.Redis;

[assembly: AssemblyFixture(typeof(CuteRooms.Realtime.Tests.SystemFixture))]

namespace CuteRooms.Realtime.Tests;

/// <summary>
/// The whole system booted once through the AppHost library, with two Realtime replicas, on real
/// Redis and RabbitMQ. Tests talk to the Api and to each replica directly and isolate their data
/// by creating fresh rooms.
/// </summary>
public sealed class SystemFixture : IAsyncLifetime
{
    private DistributedApp? app;
    private ConnectionMultiplexer? redis;
    private readonly TextWriter log = ServiceLogFile.Create("realtime-system");

    public DistributedApp App => app ?? throw new InvalidOperationException("Not started.");
    public HttpClient Api { get; private set; } = null!;
    public IDatabase Redis => redis!.GetDatabase();
    public Uri Replica(int index) => App.RealtimeEndpoints[index];

    public async ValueTask InitializeAsync()
    {
        var options = Options(realtimeReplicas: 2, heartbeat: "00:00:02");
        options.Log = log;
        app = await DistributedApp.StartAsync(options);
        Api = new HttpClient { BaseAddress = app.ApiEndpoint };
        redis = await ConnectionMultiplexer.ConnectAsync(app.RedisConnectionString);
    }

    /// <summary>Options of a test system: limits out of the way of bursts, short lifetimes allowed.</summary>
    public static DistributedAppOptions Options(int realtimeReplicas, string? heartbeat = null)
    {
        var options = new DistributedAppOptions { WebPort = 0, RealtimeReplicas = realtimeReplicas };
        options.ServiceEnvironment["RateLimits__RoomsPerMinute"] = "100000";
        options.ServiceEnvironment["RateLimits__MessagesPerSecond"] = "100000";
        options.ServiceEnvironment["RateLimits__MessageBurst"] = "100000";
        options.ServiceEnvironment["Rooms__MinTtlSeconds"] = "1";
        if (heartbeat is not null)
        {
            options.ServiceEnvironment["Realtime__HeartbeatInterval"] = heartbeat;
            options.ServiceEnvironment["Realtime__KeepAliveInterval"] = heartbeat;
        }
        return options;
    }

    public async ValueTask DisposeAsync()
    {
        Api?.Dispose();
        if (redis is not null) await redis.DisposeAsync();
        if (app is not null) await app.DisposeAsync();
        await log.DisposeAsync();
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
