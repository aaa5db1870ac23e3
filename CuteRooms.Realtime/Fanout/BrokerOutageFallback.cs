using MassTransit;
using Microsoft.Extensions.Options;

namespace CuteRooms.Realtime.Fanout;

/// <summary>
/// While this replica's broker connection is down, or its queue has lost bindings it is getting
/// back (<see cref="RoomEventBindings"/>), events of some rooms do not reach it: it keeps its rooms live
/// from Redis itself, reading the tail of every room it holds streams for (one call per room, every
/// <see cref="RealtimeOptions.FallbackPollInterval"/>) and catching up what is new, and refreshing
/// their presence. When the broker is back it does both once more, then leaves it to the events; a
/// message seen both ways is delivered once (the pumps compare stream ids).
/// </summary>
public sealed class BrokerOutageFallback(IBusControl bus, RoomHub hub, RoomEventBindings bindings, Presence.RoomReader reader,
    IOptions<RealtimeOptions> options, TimeProvider time, ILogger<BrokerOutageFallback> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.FallbackPollInterval, time);
        bool wasDown = false, wasBrokerDown = false;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var brokerDown = bus.CheckHealth().Status != BusHealthStatus.Healthy;
                var down = brokerDown || !bindings.AllBound;
                if (brokerDown != wasBrokerDown)
                {
                    logger.LogWarning(brokerDown
                        ? "The broker connection is down: rooms are kept live from Redis"
                        : "The broker connection is back: rooms are fed by events again once bound");
                }
                // Once more after everything is bound again: a message stored before that is caught up.
                if (down || wasDown) await PollAsync();
                (wasDown, wasBrokerDown) = (down, brokerDown);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task PollAsync()
    {
        foreach (var roomId in hub.LocalRooms())
        {
            try
            {
                var tail = await reader.ReadTailAsync(roomId);
                if (tail != default) hub.Dispatch(roomId, new RoomSignal.TailSeen(tail.ToString(), EventsHeldUp: true));
                hub.RequestPresenceRefresh(roomId);
            }
            catch (Exception exception) when (exception is StackExchange.Redis.RedisException or TimeoutException)
            {
                logger.LogWarning(exception, "Reading room {RoomId} from Redis while the broker is down failed; retrying", roomId);
            }
        }
    }
}
