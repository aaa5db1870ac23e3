namespace CuteRooms.Bench;

/// <summary>Post-to-receipt latencies in microseconds, kept per subscriber task and merged at the end.</summary>
public sealed class LatencyRecorder
{
    private readonly List<List<int>> shards = [];
    private readonly Lock gate = new();

    public List<int> NewShard()
    {
        var shard = new List<int>(1024);
        lock (gate) shards.Add(shard);
        return shard;
    }

    public (long Count, double P50, double P99, double Max) Summarize()
    {
        int[] all;
        lock (gate) all = shards.SelectMany(shard => shard).ToArray();
        if (all.Length == 0) return (0, double.NaN, double.NaN, double.NaN);
        Array.Sort(all);
        double At(double quantile) => all[Math.Min(all.Length - 1, (int)(quantile * all.Length))] / 1000.0;
        return (all.Length, At(0.50), At(0.99), all[^1] / 1000.0);
    }
}
