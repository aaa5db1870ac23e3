using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CuteRooms.Realtime.Streams;

/// <summary>Limits of streams, from the <c>RateLimits</c> configuration section; validated on start.</summary>
public sealed class StreamLimitOptions
{
    public const string SectionName = "RateLimits";

    /// <summary>Streams one member may hold open at once, over every room and every replica (tabs, devices).</summary>
    [Range(1, 10_000)] public int StreamsPerMember { get; set; } = 10;
}

/// <summary>
/// Open streams per member, counted in Redis so the limit holds across replicas: one sorted set per
/// member (<c>streams:{token}</c>) of stream leases scored by when their replica last vouched for
/// them. A replica refreshes its own leases every <see cref="LeaseRefreshInterval"/> and removes a lease
/// when its stream ends; a killed replica's leases go stale and stop counting. (RedisRateLimiting's concurrency
/// limiter forgets a lease after 60 s, which suits requests, not streams that stay open for hours.)
/// </summary>
public sealed class StreamLimiter(IConnectionMultiplexer redis, IOptions<StreamLimitOptions> limits, TimeProvider time)
    : BackgroundService
{
    /// <summary>What a refused client is told to wait (a closed tab gives its place back at once).</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Leases are refreshed this often, and one not refreshed for <see cref="LeaseStaleAfter"/> (a killed
    /// replica's) stops counting: slower than presence, since a lease is one write per stream, not per room.
    /// </summary>
    public static readonly TimeSpan LeaseRefreshInterval = TimeSpan.FromSeconds(20);
    public static readonly TimeSpan LeaseStaleAfter = TimeSpan.FromSeconds(60);

    // KEYS: the member's leases. ARGV: lease, now (unix ms), stale cutoff (unix ms), limit, key ttl (ms).
    private const string AcquireScript = """
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
        if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return 0 end
        redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
        redis.call('PEXPIRE', KEYS[1], ARGV[5])
        return 1
        """;

    private readonly ConcurrentDictionary<string, string> leases = new(); // lease → token

    private IDatabase Db => redis.GetDatabase();

    private static RedisKey KeyOf(string token) => $"streams:{{{token}}}";

    /// <summary>A lease for one more stream of <paramref name="token"/>, or null when it holds its limit already.</summary>
    public async Task<StreamLease?> TryAcquireAsync(string token)
    {
        var lease = Guid.NewGuid().ToString("N");
        var now = time.GetUtcNow();
        var acquired = (long)await Db.ScriptEvaluateAsync(AcquireScript, [KeyOf(token)],
            [lease, now.ToUnixTimeMilliseconds(), (now - LeaseStaleAfter).ToUnixTimeMilliseconds(),
             limits.Value.StreamsPerMember, (long)(LeaseStaleAfter * 2).TotalMilliseconds]);
        if (acquired == 0) return null;
        leases[lease] = token;
        return new StreamLease(this, token, lease);
    }

    internal async Task ReleaseAsync(string token, string lease)
    {
        leases.TryRemove(lease, out _);
        try
        {
            await Db.SortedSetRemoveAsync(KeyOf(token), lease);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // Not refreshed any more: it stops counting after LeaseStaleAfter.
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(LeaseRefreshInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await RefreshAsync();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One pipelined write per live lease and beat; a lease released meanwhile is not put back (XX).</summary>
    private async Task RefreshAsync()
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var ttl = LeaseStaleAfter * 2;
        var batch = Db.CreateBatch();
        var writes = new List<Task>(leases.Count * 2);
        foreach (var (lease, token) in leases)
        {
            writes.Add(batch.SortedSetAddAsync(KeyOf(token), lease, now, SortedSetWhen.Exists));
            writes.Add(batch.KeyExpireAsync(KeyOf(token), ttl));
        }
        batch.Execute();
        try
        {
            await Task.WhenAll(writes);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // Redis is away: the next beat refreshes again, well inside LeaseStaleAfter.
        }
    }
}

/// <summary>One stream's place in its member's limit, given back when the stream ends.</summary>
public sealed class StreamLease(StreamLimiter limiter, string token, string lease) : IAsyncDisposable
{
    private int released;

    public ValueTask DisposeAsync() =>
        Interlocked.Exchange(ref released, 1) == 0 ? new ValueTask(limiter.ReleaseAsync(token, lease)) : ValueTask.CompletedTask;
}
