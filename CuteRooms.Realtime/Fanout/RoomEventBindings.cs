using System.Threading.Channels;
using MassTransit;
using RabbitMQ.Client;

namespace CuteRooms.Realtime.Fanout;

/// <summary>This replica's queue of room events: its own, deleted by the broker when the replica's consumer goes.</summary>
public sealed record RoomEventQueue(string Name)
{
    public static RoomEventQueue ForThisProcess() =>
        new($"cuterooms.realtime.{Environment.MachineName}.{Environment.ProcessId}.{Guid.NewGuid().ToString("N")[..8]}");
}

/// <summary>How the room events of the rooms a replica holds come to reach it.</summary>
public interface IRoomEventRouting
{
    /// <summary>This replica holds a stream of the room now: its events must reach it.</summary>
    void Want(string roomId);

    /// <summary>This replica holds no stream of the room any more.</summary>
    void Drop(string roomId);

    /// <summary>Completes once the room's events reach this replica.</summary>
    Task WhenBoundAsync(string roomId);
}

/// <summary>
/// Keeps this replica's queue bound to the room events exchange for exactly the rooms it holds
/// streams for (<see cref="RoomEventTopology"/>). The hub says which rooms are wanted; one loop
/// binds and unbinds in the order rooms change, so a room left and joined again at once ends up
/// bound. A room's pump waits for its binding before it reads the room's tail, so no event after
/// that tail is missed. When the broker loses the queue (a restart, a lost connection) MassTransit
/// declares it again and reports the endpoint ready: every wanted room is bound again, and until
/// then <see cref="BrokerOutageFallback"/> keeps the rooms live from Redis.
/// </summary>
public sealed class RoomEventBindings(
    IServiceProvider services, RoomEventQueue queue, ILogger<RoomEventBindings> logger, TimeProvider time)
    : BackgroundService, IReceiveEndpointObserver, IRoomEventRouting
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly Lock gate = new();
    private readonly Dictionary<string, RoomBinding> rooms = [];
    private readonly Channel<string> changed = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    /// <summary>Wanted rooms not bound yet; changed under the gate only.</summary>
    private int unbound;

    /// <summary>How often the queue was declared (ready); a bind made before the latest one may have gone with the old queue.</summary>
    private int queueGeneration;

    private sealed class RoomBinding
    {
        public bool Wanted;
        public bool Bound;
        public TaskCompletionSource? WhenBound;
        public bool Missing => Wanted && !Bound;
    }

    /// <summary>True while every wanted room is bound: events of every held room reach this replica.</summary>
    public bool AllBound => Volatile.Read(ref unbound) == 0;

    /// <summary>The rooms bound now.</summary>
    public int BoundRooms
    {
        get
        {
            lock (gate) return rooms.Values.Count(room => room.Bound);
        }
    }

    /// <summary>Whether the room's events are bound to this replica's queue now.</summary>
    public bool IsBound(string roomId)
    {
        lock (gate) return rooms.TryGetValue(roomId, out var room) && room.Bound;
    }

    public void Want(string roomId) => Change(roomId, wanted: true);

    public void Drop(string roomId) => Change(roomId, wanted: false);

    public Task WhenBoundAsync(string roomId)
    {
        lock (gate)
        {
            if (!rooms.TryGetValue(roomId, out var room) || !room.Wanted || room.Bound) return Task.CompletedTask;
            room.WhenBound ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return room.WhenBound.Task;
        }
    }

    private void Change(string roomId, bool wanted)
    {
        TaskCompletionSource? waiters = null;
        lock (gate)
        {
            if (!rooms.TryGetValue(roomId, out var room))
            {
                if (!wanted) return;
                rooms[roomId] = room = new RoomBinding();
            }
            if (room.Wanted == wanted) return;
            Update(room, () => room.Wanted = wanted);
            if (!wanted) (waiters, room.WhenBound) = (room.WhenBound, null); // its pump is closed: nobody waits
        }
        waiters?.TrySetResult();
        changed.Writer.TryWrite(roomId);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        IChannel? channel = null;
        try
        {
            await foreach (var roomId in changed.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    channel ??= await OpenChannelAsync(stoppingToken);
                    await ReconcileAsync(channel, roomId, stoppingToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // The broker is away, or the queue is being declared again: try again shortly (the
                    // endpoint's next "ready" also binds every wanted room).
                    logger.LogWarning(exception, "Binding the events of room {RoomId} failed; retrying in {Delay}", roomId, RetryDelay);
                    if (channel is not null) await CloseQuietlyAsync(channel);
                    channel = null;
                    await Task.Delay(RetryDelay, time, stoppingToken);
                    changed.Writer.TryWrite(roomId);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (channel is not null) await CloseQuietlyAsync(channel);
        }
    }

    private async Task<IChannel> OpenChannelAsync(CancellationToken cancellationToken)
    {
        var channel = await services.GetRequiredService<IConnection>().CreateChannelAsync(cancellationToken: cancellationToken);
        await RoomEventTopology.DeclareExchangeAsync(channel, cancellationToken); // a room can be held before anyone published
        return channel;
    }

    private async Task ReconcileAsync(IChannel channel, string roomId, CancellationToken cancellationToken)
    {
        bool wanted, bound;
        int generation;
        lock (gate)
        {
            if (!rooms.TryGetValue(roomId, out var room)) return;
            (wanted, bound, generation) = (room.Wanted, room.Bound, queueGeneration);
        }
        if (wanted == bound) return; // changed back meanwhile, or done by an earlier change

        // The queue is exclusive to MassTransit's connection; the exchange MassTransit puts in front of
        // it (same name) is not, so the room is bound to that one.
        if (wanted) await channel.ExchangeBindAsync(queue.Name, RoomEventTopology.Exchange, roomId, cancellationToken: cancellationToken);
        else await channel.ExchangeUnbindAsync(queue.Name, RoomEventTopology.Exchange, roomId, cancellationToken: cancellationToken);

        TaskCompletionSource? waiters = null;
        lock (gate)
        {
            // Declared again meanwhile: the room is queued once more, to be bound on the new queue.
            if (generation != queueGeneration || !rooms.TryGetValue(roomId, out var room)) return;
            Update(room, () => room.Bound = wanted);
            if (wanted) (waiters, room.WhenBound) = (room.WhenBound, null);
            if (!room.Wanted && !room.Bound) rooms.Remove(roomId);
        }
        waiters?.TrySetResult();
    }

    /// <summary>Applies a change to a room's state and keeps <see cref="unbound"/> in step; under the gate.</summary>
    private void Update(RoomBinding room, Action change)
    {
        var before = room.Missing;
        change();
        if (room.Missing != before) Volatile.Write(ref unbound, unbound + (room.Missing ? 1 : -1));
    }

    /// <summary>The queue was declared again (first start, after a lost connection or a broker restart): its bindings are gone.</summary>
    public Task Ready(ReceiveEndpointReady ready)
    {
        List<string> wanted;
        lock (gate)
        {
            wanted = [];
            queueGeneration++;
            foreach (var (roomId, room) in rooms)
            {
                Update(room, () => room.Bound = false);
                if (room.Wanted) wanted.Add(roomId);
            }
            foreach (var roomId in rooms.Where(pair => !pair.Value.Wanted).Select(pair => pair.Key).ToList()) rooms.Remove(roomId);
        }
        foreach (var roomId in wanted) changed.Writer.TryWrite(roomId);
        if (wanted.Count > 0) logger.LogInformation("Room event queue {Queue} is ready: binding {Rooms} room(s) again", queue.Name, wanted.Count);
        return Task.CompletedTask;
    }

    private static async Task CloseQuietlyAsync(IChannel channel)
    {
        try
        {
            await channel.DisposeAsync();
        }
        catch (Exception)
        {
            // already closed by the broker
        }
    }

    public Task PreStart(IReceiveEndpoint receiveEndpoint) => Task.CompletedTask;
    public Task Stopping(ReceiveEndpointStopping stopping) => Task.CompletedTask;
    public Task Completed(ReceiveEndpointCompleted completed) => Task.CompletedTask;
    public Task Faulted(ReceiveEndpointFaulted faulted) => Task.CompletedTask;
}
