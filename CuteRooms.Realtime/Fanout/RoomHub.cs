using CuteRooms.Realtime.Presence;
using Microsoft.Extensions.Options;

namespace CuteRooms.Realtime.Fanout;

/// <summary>
/// This replica's index room → local subscribers. A replica receives the events of the rooms it
/// holds here (<see cref="IRoomEventRouting"/> follows this index) and writes only to its own
/// subscribers. The lock guards only in-memory bookkeeping, never I/O.
/// </summary>
public sealed class RoomHub(
    RoomReader reader, IRoomEventRouting bindings, RealtimeMetrics metrics, ILogger<RoomHub> logger, TimeProvider time, IOptions<RealtimeOptions> options)
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, LocalRoom> rooms = [];

    private sealed class LocalRoom(RoomPump pump)
    {
        public RoomPump Pump { get; } = pump;
        public int Subscribers { get; set; }
        public Dictionary<string, int> StreamsPerToken { get; } = [];
    }

    private bool stopping;

    /// <summary>Adds a subscriber to its room's pump; false when this replica is stopping (its stream just ends).</summary>
    internal bool Join(Subscriber subscriber, string after)
    {
        lock (gate)
        {
            if (stopping)
            {
                subscriber.Complete(); // this replica is going away: resume on another
                return false;
            }
            if (!rooms.TryGetValue(subscriber.RoomId, out var room))
            {
                room = new LocalRoom(new RoomPump(subscriber.RoomId, reader, bindings, metrics, logger, time, options.Value));
                rooms.Add(subscriber.RoomId, room);
                bindings.Want(subscriber.RoomId);
            }
            room.Subscribers++;
            room.StreamsPerToken[subscriber.Token] = room.StreamsPerToken.GetValueOrDefault(subscriber.Token) + 1;
            room.Pump.Post(new RoomSignal.Join(subscriber, after));
            return true;
        }
    }

    /// <summary>Whether the token has a stream of the room on this replica.</summary>
    internal bool HasStream(string roomId, string token)
    {
        lock (gate)
        {
            return rooms.TryGetValue(roomId, out var room) && room.StreamsPerToken.ContainsKey(token);
        }
    }

    /// <summary>Removes a subscriber; true when it was its token's last stream of the room on this replica.</summary>
    internal bool Leave(Subscriber subscriber)
    {
        lock (gate)
        {
            if (!rooms.TryGetValue(subscriber.RoomId, out var room)) return true;
            room.Pump.Post(new RoomSignal.Leave(subscriber));

            var remaining = room.StreamsPerToken[subscriber.Token] - 1;
            if (remaining == 0) room.StreamsPerToken.Remove(subscriber.Token);
            else room.StreamsPerToken[subscriber.Token] = remaining;

            if (--room.Subscribers == 0)
            {
                rooms.Remove(subscriber.RoomId);
                bindings.Drop(subscriber.RoomId);
                room.Pump.Close();
            }
            return remaining == 0;
        }
    }

    /// <summary>Hands a signal to the room's pump; false when this replica holds no stream of the room.</summary>
    internal bool Dispatch(string roomId, RoomSignal signal)
    {
        lock (gate)
        {
            if (!rooms.TryGetValue(roomId, out var room)) return false;
            room.Pump.Post(signal);
            return true;
        }
    }

    internal bool RequestPresenceRefresh(string roomId)
    {
        lock (gate)
        {
            if (!rooms.TryGetValue(roomId, out var room)) return false;
            room.Pump.RequestPresenceRefresh();
            return true;
        }
    }

    /// <summary>
    /// Ends every stream on this replica (it is stopping): browsers resume on another replica at
    /// once instead of waiting out the host's shutdown timeout.
    /// </summary>
    internal void EndAllStreams()
    {
        lock (gate)
        {
            stopping = true;
            foreach (var room in rooms.Values) room.Pump.Post(RoomSignal.Disconnect);
        }
    }

    internal void BroadcastKeepAlive()
    {
        lock (gate)
        {
            foreach (var room in rooms.Values) room.Pump.Post(RoomSignal.Ping);
        }
    }

    /// <summary>Rooms held here and the streams open in them.</summary>
    internal (int Rooms, int Streams) Counts()
    {
        lock (gate)
        {
            return (rooms.Count, rooms.Values.Sum(room => room.Subscribers));
        }
    }

    /// <summary>The streams of the room open here.</summary>
    internal int Streams(string roomId)
    {
        lock (gate)
        {
            return rooms.TryGetValue(roomId, out var room) ? room.Subscribers : 0;
        }
    }

    /// <summary>The rooms this replica holds streams of.</summary>
    internal List<string> LocalRooms()
    {
        lock (gate)
        {
            return [.. rooms.Keys];
        }
    }

    /// <summary>Each local room with the tokens of its live streams, for the presence heartbeat.</summary>
    internal List<(string RoomId, string[] Tokens)> LiveTokens()
    {
        lock (gate)
        {
            return rooms.Select(pair => (pair.Key, pair.Value.StreamsPerToken.Keys.ToArray())).ToList();
        }
    }
}
