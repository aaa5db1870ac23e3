using System.Net;
using System.Net.Http.Json;
using CuteRooms.Contracts;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Testing;
using StackExchange.Redis;

[assembly: AssemblyFixture(typeof(CuteRooms.Api.Tests.ApiFixture))]

namespace CuteRooms.Api.Tests;

/// <summary>
/// The Api in process, on a real Redis and a real RabbitMQ (from <c>ConnectionStrings__redis</c> /
/// <c>ConnectionStrings__messaging</c>, else the local defaults that <c>.ci/run</c> starts).
/// Tests isolate their data by creating fresh rooms.
/// </summary>
public sealed class ApiFixture : WebApplicationFactory<Program>
{
    public static string RedisConnectionString { get; } =
        Environment.GetEnvironmentVariable("ConnectionStrings__redis") ?? "127.0.0.1:6379";

    public static string MessagingConnectionString { get; } =
        Environment.GetEnvironmentVariable("ConnectionStrings__messaging") ?? "amqp://guest:guest@127.0.0.1:5672/";

    private readonly Lazy<IConnectionMultiplexer> redis = new(() => ConnectionMultiplexer.Connect(RedisConnectionString));

    /// <summary>A direct Redis connection, to look at the keys behind the API.</summary>
    public IDatabase Redis => redis.Value.GetDatabase();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:redis", RedisConnectionString);
        builder.UseSetting("ConnectionStrings:messaging", MessagingConnectionString);
        // In process every request comes from one (unknown) address: the per-address limits would throttle the suite.
        builder.UseSetting("RateLimits:RoomsPerMinute", "1000000");
        builder.UseSetting("RateLimits:AdmissionsPerMinute", "1000000");
        builder.UseSetting("RateLimits:AddressMessagesPerSecond", "1000000");
        builder.UseSetting("RateLimits:AddressMessageBurst", "1000000");
    }

    public async Task<RoomResponse> CreateRoomAsync(CreateRoomRequest? request = null, HttpClient? client = null)
    {
        var response = await (client ?? CreateClient()).PostAsJsonAsync("/api/rooms", request ?? new CreateRoomRequest());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<RoomResponse>())!;
    }

    public async Task<HttpResponseMessage> AdmitAsync(string roomId, string? token = null, HttpClient? client = null) =>
        await (client ?? CreateClient()).PostAsJsonAsync($"/internal/rooms/{roomId}/admissions", new AdmissionRequest(token));

    public async Task<AdmissionResponse> AdmitMemberAsync(string roomId, string? token = null)
    {
        var response = await AdmitAsync(roomId, token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<AdmissionResponse>())!;
    }

    /// <summary>A client that presents <paramref name="token"/> as the browser's cookie.</summary>
    public HttpClient ClientFor(string? token)
    {
        var client = CreateClient();
        if (token is not null) client.DefaultRequestHeaders.Add("Cookie", $"{AuthCookie.Name}={token}");
        return client;
    }

    public async Task<long> CountKeysOfRoomAsync(string roomId)
    {
        long count = 0;
        foreach (var key in new RoomKeys(roomId).All)
        {
            if (await Redis.KeyExistsAsync(key)) count++;
        }
        return count;
    }

    public override async ValueTask DisposeAsync()
    {
        if (redis.IsValueCreated) await redis.Value.DisposeAsync();
        await base.DisposeAsync();
    }
}

public static class ProblemAssertions
{
    /// <summary>Asserts the status and the stable problem <c>type</c>; returns the problem.</summary>
    public static async Task<ProblemDetails> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string type)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>();
        Assert.NotNull(problem);
        Assert.Equal(type, problem.Type);
        Assert.False(string.IsNullOrWhiteSpace(problem.Detail));
        return problem;
    }
}
