using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using RedisRateLimiting;
using StackExchange.Redis;

namespace CuteRooms.Api.Limits;

/// <summary>
/// New members per client address and minute. Asked by the admission endpoint itself, and only
/// when the admission would add a member: a member coming back to a room costs nothing, so the
/// limit can be tight without locking out people who reload.
/// </summary>
public sealed class AdmissionLimiter(IConnectionMultiplexer redis, IOptions<AbuseLimitOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> limiter = PartitionedRateLimiter.Create<string, string>(address =>
        RedisRateLimitPartition.GetFixedWindowRateLimiter($"admissions:{address}", _ => new RedisFixedWindowRateLimiterOptions
        {
            ConnectionMultiplexerFactory = () => redis,
            PermitLimit = options.Value.AdmissionsPerMinute,
            Window = TimeSpan.FromMinutes(1),
        }));

    /// <summary>Null when the address may add a member now; otherwise how long until it may.</summary>
    public async Task<TimeSpan?> RefusalAsync(string address, CancellationToken cancellationToken)
    {
        using var lease = await limiter.AcquireAsync(address, cancellationToken: cancellationToken);
        if (lease.IsAcquired) return null;
        return AbuseLimits.RetryAfterOf(lease) ?? TimeSpan.FromMinutes(1);
    }

    public void Dispose() => limiter.Dispose();
}
