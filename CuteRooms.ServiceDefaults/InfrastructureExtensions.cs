using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Our stand-ins for Aspire's client integrations (Aspire.StackExchange.Redis, RabbitMQ), which the
/// package registry here does not have: a client from <c>ConnectionStrings:{name}</c> plus a health
/// check of the same name.
/// </summary>
public static class InfrastructureExtensions
{
    public const string RedisResourceName = "redis";
    public const string MessagingResourceName = "messaging";

    public static TBuilder AddRedisClient<TBuilder>(this TBuilder builder, string name = RedisResourceName)
        where TBuilder : IHostApplicationBuilder
    {
        var connectionString = builder.Configuration.GetConnectionString(name)
            ?? throw new InvalidOperationException($"ConnectionStrings:{name} is not set; run the system through CuteRooms.AppHost or set ConnectionStrings__{name}.");

        var options = ConfigurationOptions.Parse(connectionString);
        // Start even while Redis is down; /health reports it and the client reconnects by itself.
        options.AbortOnConnectFail = false;
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));
        builder.Services.AddHealthChecks().AddRedis(sp => sp.GetRequiredService<IConnectionMultiplexer>(), name, tags: ["redis"]);
        return builder;
    }

    /// <summary>MassTransit on RabbitMQ from <c>ConnectionStrings:messaging</c> (an amqp:// URI).</summary>
    public static TBuilder AddMessagingBus<TBuilder>(
        this TBuilder builder,
        Action<IBusRegistrationConfigurator>? configureBus = null,
        Action<IBusRegistrationContext, IRabbitMqBusFactoryConfigurator>? configureRabbitMq = null,
        string name = MessagingResourceName)
        where TBuilder : IHostApplicationBuilder
    {
        var connectionString = builder.Configuration.GetConnectionString(name)
            ?? throw new InvalidOperationException($"ConnectionStrings:{name} is not set; run the system through CuteRooms.AppHost or set ConnectionStrings__{name}.");

        builder.Services.AddSingleton<IntegrationEventPublisher>();
        builder.Services.AddMassTransit(bus =>
        {
            bus.ConfigureHealthCheckOptions(health =>
            {
                health.Name = name;
                health.Tags.Add("rabbitmq");
            });
            // MassTransit reports anonymous usage to its vendor by default; our services call no one but their own dependencies.
            bus.ConfigureUsageTelemetryOptions(telemetry => telemetry.Enabled = false);
            configureBus?.Invoke(bus);
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(new Uri(connectionString));
                configureRabbitMq?.Invoke(context, rabbit);
            });
        });
        return builder;
    }
}
