using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using CuteRooms.Contracts;
using Microsoft.AspNetCore.RateLimiting;

namespace CuteRooms.Api.Rooms;

/// <summary>Limits per caller, from the <c>RateLimits</c> configuration section.</summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimits";

    /// <summary>Rooms one client address may create per minute.</summary>
    [Range(1, int.MaxValue)] public int RoomsPerMinute { get; set; } = 30;

    /// <summary>Messages one member may post per second, sustained.</summary>
    [Range(1, int.MaxValue)] public int MessagesPerSecond { get; set; } = 5;

    /// <summary>Messages one member may post in a burst.</summary>
    [Range(1, int.MaxValue)] public int MessageBurst { get; set; } = 20;
}

/// <summary>The ASP.NET Core rate limiter, partitioned by client address for rooms and by token for messages.</summary>
public static class RateLimitPolicies
{
    public const string CreateRoom = "create-room";
    public const string PostMessage = "post-message";

    public static IHostApplicationBuilder AddRateLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitOptions>()
            .BindConfiguration(RateLimitOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(CreateRoom, context =>
            {
                var limits = Limits(context);
                return RateLimitPartition.GetFixedWindowLimiter(
                    context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = limits.RoomsPerMinute, Window = TimeSpan.FromMinutes(1) });
            });
            limiter.AddPolicy(PostMessage, context =>
            {
                var limits = Limits(context);
                return RateLimitPartition.GetTokenBucketLimiter(
                    AuthCookie.TokenFrom(context.Request) ?? context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = limits.MessageBurst,
                        TokensPerPeriod = limits.MessagesPerSecond,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    });
            });
        });
        return builder;
    }

    private static RateLimitOptions Limits(HttpContext context) =>
        context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<RateLimitOptions>>().Value;
}
