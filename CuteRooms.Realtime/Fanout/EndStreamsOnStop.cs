namespace CuteRooms.Realtime.Fanout;

/// <summary>When the replica begins to stop, its streams end so that clients resume elsewhere by id.</summary>
public sealed class EndStreamsOnStop(RoomHub hub, IHostApplicationLifetime lifetime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopping.Register(hub.EndAllStreams);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
