using CuteRooms.Hosting;

namespace CuteRooms.Realtime.Tests;

/// <summary>A system of its own with production timings, since the test kills one of its replicas.</summary>
public sealed class ReplicaFailureSystem : IAsyncLifetime
{
    public DistributedApp App { get; private set; } = null!;
    public HttpClient Api { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        App = await DistributedApp.StartAsync(SystemFixture.Options(realtimeReplicas: 2));
        Api = new HttpClient { BaseAddress = App.ApiEndpoint };
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        await App.DisposeAsync();
    }
}

public sealed class ReplicaFailureTests(ReplicaFailureSystem system) : IClassFixture<ReplicaFailureSystem>
{
    [Fact]
    public async Task Online_falls_within_45_seconds_when_the_replica_holding_a_stream_is_killed()
    {
        var room = await system.Api.CreateRoomAsync();
        var observerToken = await system.Api.AdmitAsync(room.Id);
        var victimToken = await system.Api.AdmitAsync(room.Id);
        await using var observer = await SseSubscription.OpenAsync(system.App.RealtimeEndpoints[0], room.Id, observerToken);
        await using var victim = await SseSubscription.OpenAsync(system.App.RealtimeEndpoints[1], room.Id, victimToken);
        Assert.NotNull(await observer.PresenceAsync(p => p.Online == 2, TimeSpan.FromSeconds(5)));

        await system.App.KillRealtimeReplicaAsync(1);

        Assert.NotNull(await observer.PresenceAsync(p => p.Online == 1, TimeSpan.FromSeconds(45)));
        Assert.Equal(1, (await system.Api.GetRoomAsync(room.Id)).Online);
    }
}
