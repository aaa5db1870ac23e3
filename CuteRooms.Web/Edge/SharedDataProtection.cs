using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using StackExchange.Redis;

namespace CuteRooms.Web.Edge;

/// <summary>
/// Every Web replica protects its antiforgery tokens with one key ring kept in Redis, so a form one
/// replica rendered is accepted by another (behind a load balancer, or after a restart).
/// </summary>
public static class SharedDataProtection
{
    /// <summary>Replicas share keys only under the same application name (not the content root, which differs per host).</summary>
    public const string ApplicationName = "CuteRooms.Web";

    /// <summary>The key ring's Redis key (a list of XML key elements).</summary>
    public const string KeyRingKey = "cuterooms:web:data-protection-keys";

    public static IHostApplicationBuilder AddSharedDataProtection(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient(ResourceNames.Redis);
        builder.Services.AddDataProtection().SetApplicationName(ApplicationName);
        builder.Services.AddOptions<KeyManagementOptions>().Configure<IConnectionMultiplexer>((keys, redis) =>
            keys.XmlRepository = new RedisXmlRepository(() => redis.GetDatabase(), KeyRingKey));
        return builder;
    }
}
