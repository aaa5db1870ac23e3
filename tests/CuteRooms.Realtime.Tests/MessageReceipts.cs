using CuteRooms.Contracts;

namespace CuteRooms.Realtime.Tests;

/// <summary>Every message event of a stream with when it arrived, read in the background.</summary>
public sealed class MessageReceipts
{
    private readonly List<(string Id, DateTime At)> items = [];

    public static MessageReceipts Collect(SseSubscription subscription)
    {
        var receipts = new MessageReceipts();
        _ = Task.Run(async () =>
        {
            while (await subscription.NextAsync(RoomEventTypes.Message, TimeSpan.FromMinutes(3)) is { } item)
            {
                lock (receipts.items) receipts.items.Add((item.EventId!, DateTime.UtcNow));
            }
        });
        return receipts;
    }

    /// <summary>What arrived once <paramref name="lastId"/> did, or when <paramref name="timeout"/> ran out.</summary>
    public async Task<List<(string Id, DateTime At)>> Until(string lastId, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            lock (items)
            {
                if (items.Any(item => item.Id == lastId)) return [.. items];
            }
            await Task.Delay(100);
        }
        lock (items) return [.. items];
    }
}

public static class Durations
{
    /// <summary>The smallest value that <paramref name="share"/> of <paramref name="values"/> do not exceed.</summary>
    public static TimeSpan Percentile(IEnumerable<TimeSpan> values, double share)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0) return TimeSpan.Zero;
        return sorted[Math.Clamp((int)Math.Ceiling(share * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
