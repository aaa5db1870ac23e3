using CuteRooms.Contracts;
using CuteRooms.Realtime.Fanout;
using Microsoft.Extensions.Options;

namespace CuteRooms.Realtime.Presence;

/// <summary>
/// The periodic work of a replica, one Redis call per local room per beat (never per subscriber):
/// refresh the <c>online</c> entries of live streams, sweep entries left by dead replicas, notice
/// rooms that expired and messages whose event never came; and a keep-alive comment to every stream.
/// </summary>
public sealed class RoomMaintenance(RoomHub hub, RoomReader reader, IntegrationEventPublisher events, IOptions<RealtimeOptions> options, TimeProvider time, ILogger<RoomMaintenance> logger)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(KeepAliveAsync(stoppingToken), HeartbeatAsync(stoppingToken));

    private async Task KeepAliveAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.KeepAliveInterval, time);
        while (await Tick(timer, stoppingToken)) hub.BroadcastKeepAlive();
    }

    private async Task HeartbeatAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.HeartbeatInterval, time);
        while (await Tick(timer, stoppingToken))
        {
            foreach (var (roomId, tokens) in hub.LiveTokens())
            {
                try
                {
                    var beat = await reader.HeartbeatAsync(roomId, tokens);
                    if (beat.Gone)
                    {
                        hub.Dispatch(roomId, new RoomSignal.Ended(beat.Destroyed));
                        continue;
                    }
                    // A lost event for the newest message would otherwise wait for the next message.
                    if (beat.NewestMessageId is { } newest) hub.Dispatch(roomId, new RoomSignal.TailSeen(newest));

                    // A stream that closed after the tokens were listed took its entry out before the
                    // beat put it back: take it out again, or it would count as online until swept.
                    var departed = Array.FindAll(tokens, token => !hub.HasStream(roomId, token));
                    var revoked = departed.Length > 0 ? await reader.RevokeAsync(roomId, departed, beat.At) : [];
                    // Restored: a member with streams on two replicas closed one, which took the token
                    // out; it is back now, and the counts and lists others see must say so.
                    MemberChange[] changes = [
                        .. beat.Swept.Concat(revoked).Select(token => new MemberChange(AuthorIds.For(roomId, token), Name: null, Online: false)),
                        // A token the beat put back and then revoked is one that left: not restored.
                        .. beat.Restored.Except(revoked).Select(token => new MemberChange(AuthorIds.For(roomId, token), Name: null, Online: true))];
                    if (changes.Length > 0) events.PublishInBackground(new PresenceChanged(roomId, changes));
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    logger.LogWarning(exception, "Presence heartbeat of room {RoomId} failed; retrying next beat", roomId);
                }
            }
        }
    }

    private static async Task<bool> Tick(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
