using CuteRooms.Contracts;

namespace CuteRooms.Realtime.Fanout;

/// <summary>What a room's pump processes, one at a time, in arrival order.</summary>
internal abstract record RoomSignal
{
    /// <summary>A subscriber that has every message up to <paramref name="After"/> (replayed, or the tail when it connected).</summary>
    public sealed record Join(Subscriber Subscriber, string After) : RoomSignal;
    public sealed record Leave(Subscriber Subscriber) : RoomSignal;
    public sealed record Posted(MessagePosted Event) : RoomSignal;
    /// <summary>
    /// The stream's newest id, read by the heartbeat: a message stored before the previous beat whose
    /// event has not come is overdue. While events do not flow at all (<paramref name="EventsHeldUp"/>,
    /// the broker is down), everything up to the tail is.
    /// </summary>
    public sealed record TailSeen(string TailId, bool EventsHeldUp = false) : RoomSignal;
    public sealed record Ended(bool Destroyed) : RoomSignal;
    /// <summary>What became of some members: passed on with the next (coalesced) presence refresh.</summary>
    public sealed record MembersChanged(IReadOnlyList<MemberChange> Changes) : RoomSignal;
    public sealed record Typing(MemberTypingNotice Notice) : RoomSignal;
    public sealed record RefreshPresence : RoomSignal;
    public sealed record KeepAlive : RoomSignal;
    public sealed record DisconnectAll : RoomSignal;

    public static readonly RefreshPresence Refresh = new();
    public static readonly KeepAlive Ping = new();
    public static readonly DisconnectAll Disconnect = new();
}
