using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// MassTransit on RabbitMQ from <c>ConnectionStrings:messaging</c> (an amqp:// URI, as the AppHost or
/// Aspire's RabbitMQ resource gives it), with a health check of the same name. MassTransit brings its
/// own RabbitMQ client and telemetry, so this stands where an Aspire client integration would.
/// </summary>
public static class MessagingExtensions
{
    public static TBuilder AddMessagingBus<TBuilder>(
        this TBuilder builder,
        Action<IBusRegistrationConfigurator>? configureBus = null,
        Action<IBusRegistrationContext, IRabbitMqBusFactoryConfigurator>? configureRabbitMq = null,
        string name = ResourceNames.Messaging)
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
                RoomEventTopology.Configure(rabbit);
                configureRabbitMq?.Invoke(context, rabbit);
            });
        });
        return builder;
    }
}

