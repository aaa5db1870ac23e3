namespace CuteRooms.Realtime.Tests;

/// <summary>A system of its own with production timings, since its tests kill or stop replicas (each its own).</summary>
public sealed class ReplicaFailureSystem : IAsyncLifetime
{
    public TestSystem App { get; private set; } = null!;
    public HttpClient Api { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        App = await TestSystem.StartAsync("replica-failure-system", realtimeReplicas: 3, SystemFixture.Settings());
        Api = new HttpClient { BaseAddress = App.ApiEndpoint };
    }

    public async ValueTask DisposeAsync()
    {
        Api?.Dispose();
        if (App is not null) await App.DisposeAsync();
    }
}

public sealed class ReplicaFailureTests(ReplicaFailureSystem system) : IClassFixture<ReplicaFailureSystem>
{
    [Fact]
    public async Task Online_falls_within_15_seconds_when_the_replica_holding_a_stream_is_killed()
    {
        var room = await system.Api.CreateRoomAsync();
        var observerToken = await system.Api.AdmitAsync(room.Id);
        var victimToken = await system.Api.AdmitAsync(room.Id);
        await using var observer = await SseSubscription.OpenAsync(system.App.RealtimeEndpoints[0], room.Id, observerToken);
        await using var victim = await SseSubscription.OpenAsync(system.App.RealtimeEndpoints[1], room.Id, victimToken);
        Assert.NotNull(await observer.PresenceAsync(p => p.Online == 2, TimeSpan.FromSeconds(5)));

        await system.App.KillRealtimeReplicaAsync(1);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        Assert.NotNull(await observer.PresenceAsync(p => p.Online == 1, TimeSpan.FromSeconds(15)));
        Figures.Report("replica killed: presence", $"the online count left out the killed replica's member {clock.Elapsed.TotalSeconds:0.0} s after kill -9 (bound 15 s)");
        Assert.Equal(1, (await system.Api.GetRoomAsync(room.Id)).Online);
    }

    [Fact]
    public async Task A_replica_that_is_stopped_ends_its_streams_at_once_so_clients_resume_elsewhere()
    {
        var room = await system.Api.CreateRoomAsync();
        var token = await system.Api.AdmitAsync(room.Id);
        await using var stream = await SseSubscription.OpenAsync(system.App.RealtimeEndpoints[2], room.Id, token);
        await stream.NextAsync(CuteRooms.Contracts.RoomEventTypes.Presence);
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();

        var stopping = system.App.StopRealtimeReplicaAsync(2);

        // Without the hook a stream stays open for the host's whole shutdown timeout (30 s).
        await stream.Ended.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"ended after {stopwatch.Elapsed}");
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_replica_stopped_and_started_again_from_the_dashboard_serves_streams_at_its_address()
    {
        var room = await system.Api.CreateRoomAsync();
        var token = await system.Api.AdmitAsync(room.Id);
        await system.App.StopRealtimeReplicaAsync(0);

        await system.App.StartRealtimeReplicaAsync(0);

        await using var stream = await SseSubscription.OpenAsync(system.App.RealtimeEndpoints[0], room.Id, token);
        var posted = await system.Api.PostAsync(room.Id, token, "after the restart");
        Assert.Equal(posted.Id, (await stream.NextAsync(CuteRooms.Contracts.RoomEventTypes.Message))?.EventId);
    }
}
