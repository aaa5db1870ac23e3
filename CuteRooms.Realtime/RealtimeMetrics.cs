using System.Diagnostics.Metrics;

namespace CuteRooms.Realtime;

/// <summary>Connections, deliveries and fan-out latency, on the <c>CuteRooms.Realtime</c> meter.</summary>
public sealed class RealtimeMetrics
{
    public const string MeterName = "CuteRooms.Realtime";

    private readonly UpDownCounter<long> connections;
    private readonly Counter<long> deliveries;
    private readonly Counter<long> fellBehind;
    private readonly Counter<long> gapsFilled;
    private readonly Histogram<double> fanOutLatency;
    private readonly Counter<long> streamsRefused;
    private readonly Counter<long> eventsReceived;
    private long eventsForHeldRooms, eventsForOtherRooms;

    public RealtimeMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        connections = meter.CreateUpDownCounter<long>("cuterooms.realtime.connections", description: "Open SSE streams on this replica");
        deliveries = meter.CreateCounter<long>("cuterooms.realtime.deliveries", description: "Messages queued to subscribers");
        fellBehind = meter.CreateCounter<long>("cuterooms.realtime.subscribers_fell_behind", description: "Streams cut off because they fell behind (lag, bytes or a full outbox); each resumes by id");
        gapsFilled = meter.CreateCounter<long>("cuterooms.realtime.gaps_filled", description: "Missed or reordered events recovered from the stream");
        fanOutLatency = meter.CreateHistogram<double>("cuterooms.realtime.fanout.duration", unit: "ms",
            description: "From a message being stored to its being queued to every local subscriber");
        eventsReceived = meter.CreateCounter<long>("cuterooms.realtime.events_received",
            description: "Room events consumed from the broker; held=false for a room this replica no longer holds (left while the event was on its way)");
        streamsRefused = meter.CreateCounter<long>("cuterooms.realtime.streams_refused", description: "Streams refused because their member holds its limit of open streams");
    }

    public void Connected() => connections.Add(1);
    public void Disconnected() => connections.Add(-1);
    public void Delivered(int count) => deliveries.Add(count);
    public void SubscriberFellBehind() => fellBehind.Add(1);
    public void GapFilled() => gapsFilled.Add(1);
    public void StreamRefused() => streamsRefused.Add(1);
    public void EventReceived(bool forHeldRoom)
    {
        eventsReceived.Add(1, new KeyValuePair<string, object?>("held", forHeldRoom));
        Interlocked.Increment(ref forHeldRoom ? ref eventsForHeldRooms : ref eventsForOtherRooms);
    }

    /// <summary>Events consumed so far, for rooms held here and for others (see the diagnostics endpoint).</summary>
    public (long ForHeldRooms, long ForOtherRooms) EventsReceived => (Interlocked.Read(ref eventsForHeldRooms), Interlocked.Read(ref eventsForOtherRooms));

    public void FanOutCompleted(TimeSpan sinceStored) => fanOutLatency.Record(sinceStored.TotalMilliseconds);
}
