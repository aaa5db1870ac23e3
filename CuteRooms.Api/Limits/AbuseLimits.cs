using System.Threading.RateLimiting;
using CuteRooms.Contracts;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using RedisRateLimiting;
using StackExchange.Redis;

namespace CuteRooms.Api.Limits;

/// <summary>
/// The ASP.NET Core rate limiter with its state in Redis (RedisRateLimiting's fixed windows and
/// token buckets, each one atomic script), so every Api replica counts against the same limits.
/// A refusal is 429 problem details with <c>Retry-After</c>.
/// </summary>
public static class AbuseLimits
{
    public const string CreateRoom = "create-room";
    public const string PostMessage = "post-message";
    public const string MemberUpdate = "member-update";

    public static IHostApplicationBuilder AddAbuseLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AbuseLimitOptions>()
            .BindConfiguration(AbuseLimitOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<AdmissionLimiter>();

        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = (rejected, _) => ProblemDetailsDefaults.TooManyRequests(
                rejected.HttpContext, RetryAfterOf(rejected.Lease));

            limiter.AddPolicy(CreateRoom, context =>
            {
                var (limits, redis) = Dependencies(context);
                return RedisRateLimitPartition.GetFixedWindowRateLimiter($"rooms:{ClientAddress.Of(context)}",
                    _ => new RedisFixedWindowRateLimiterOptions
                    {
                        ConnectionMultiplexerFactory = redis,
                        PermitLimit = limits.RoomsPerMinute,
                        Window = TimeSpan.FromMinutes(1),
                    });
            });

            // Per address, then per member: many tokens from one address share its budget, and a
            // flood of fresh tokens is stopped before each of them costs a bucket of its own.
            limiter.AddPolicy(PostMessage, context =>
            {
                var (limits, redis) = Dependencies(context);
                var member = AuthCookie.TokenFrom(context.Request) ?? "none";
                var address = ClientAddress.Of(context);
                return RateLimitPartition.Get($"{member}|{address}", _ => RateLimiter.CreateChained(
                    TokenBucket($"messages:address:{address}", limits.AddressMessageBurst, limits.AddressMessagesPerSecond, redis),
                    TokenBucket($"messages:member:{member}", limits.MessageBurst, limits.MessagesPerSecond, redis)));
            });

            // Renames and typing announcements: per member, a budget of their own apart from messages.
            limiter.AddPolicy(MemberUpdate, context =>
            {
                var (limits, redis) = Dependencies(context);
                var member = AuthCookie.TokenFrom(context.Request) ?? $"none|{ClientAddress.Of(context)}";
                return RedisRateLimitPartition.GetTokenBucketRateLimiter($"member-updates:{member}",
                    _ => new RedisTokenBucketRateLimiterOptions
                    {
                        ConnectionMultiplexerFactory = redis,
                        TokenLimit = limits.MemberUpdateBurst,
                        TokensPerPeriod = limits.MemberUpdatesPerSecond,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    });
            });
        });
        return builder;
    }

    /// <summary>RedisRateLimiting's leases say it in whole seconds under a name of their own.</summary>
    public static TimeSpan? RetryAfterOf(RateLimitLease lease) =>
        lease.TryGetMetadata(RateLimitMetadataName.RetryAfter, out var seconds) ? TimeSpan.FromSeconds(seconds)
        : lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter
        : null;

    private static RedisTokenBucketRateLimiter<string> TokenBucket(string key, int burst, int perSecond, Func<IConnectionMultiplexer> redis) =>
        new(key, new RedisTokenBucketRateLimiterOptions
        {
            ConnectionMultiplexerFactory = redis,
            TokenLimit = burst,
            TokensPerPeriod = perSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        });

    private static (AbuseLimitOptions Limits, Func<IConnectionMultiplexer> Redis) Dependencies(HttpContext context)
    {
        var services = context.RequestServices;
        var redis = services.GetRequiredService<IConnectionMultiplexer>();
        return (services.GetRequiredService<IOptions<AbuseLimitOptions>>().Value, () => redis);
    }
}
