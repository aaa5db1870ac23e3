using CuteRooms.Realtime.Presence;
using CuteRooms.Realtime.Streams;
using MassTransit;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace CuteRooms.Realtime.Fanout;

public static class FanoutSetup
{
    public static IHostApplicationBuilder AddRoomFanout(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RealtimeOptions>()
            .BindConfiguration(RealtimeOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<RealtimeMetrics>();
        builder.Services.AddSingleton<RoomReader>();
        builder.Services.AddSingleton<RoomHub>();
        var queue = RoomEventQueue.ForThisProcess();
        builder.Services.AddSingleton(queue);
        builder.Services.AddSingleton<RoomEventBindings>();
        builder.Services.AddSingleton<IRoomEventRouting>(services => services.GetRequiredService<RoomEventBindings>());
        builder.Services.AddHostedService(services => services.GetRequiredService<RoomEventBindings>());
        // The connection the bindings are made on; MassTransit keeps its own for consuming. Its health
        // is MassTransit's (one broker), and it connects when the first room is bound. Its tracing is
        // off: RabbitMQ.Client's own activities would wrap every message MassTransit consumes (it uses
        // the same client) and start a new trace there, cutting the post's trace at the broker.
        builder.AddRabbitMQClient(ResourceNames.Messaging,
            settings => (settings.DisableHealthChecks, settings.DisableAutoActivation, settings.DisableTracing) = (true, true, true),
            // Bindings are restored by RoomEventBindings once MassTransit has declared the queue again.
            factory => factory.TopologyRecoveryEnabled = false);
        builder.Services.AddOptions<StreamLimitOptions>()
            .BindConfiguration(StreamLimitOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<StreamLimiter>();
        builder.Services.AddHostedService(services => services.GetRequiredService<StreamLimiter>());
        builder.Services.AddHostedService<RoomMaintenance>();
        builder.Services.AddHostedService<EndStreamsOnStop>();
        builder.Services.AddHostedService<BrokerOutageFallback>();
        // What Kestrel holds for a connection beyond the kernel's buffer (64 KiB by default): small,
        // so that a stalled reader's frames wait in its outbox, where their age is measured.
        builder.Services.Configure<SocketTransportOptions>(transport => transport.MaxWriteBufferSize = 16 * 1024);

        builder.AddMessagingBus(
            bus =>
            {
                bus.AddConsumer<MessagePostedConsumer>();
                bus.AddConsumer<RoomDestroyedConsumer>();
                bus.AddConsumer<PresenceChangedConsumer>();
                bus.AddConsumer<MemberTypingConsumer>();
            },
            (context, rabbit) =>
                // Each replica has a queue of its own, deleted with its consumer, bound by room to the
                // rooms it holds streams for (RoomEventBindings), never to whole event types.
                rabbit.ReceiveEndpoint(queue.Name, endpoint =>
                {
                    endpoint.Durable = false;
                    endpoint.AutoDelete = true;
                    endpoint.ConfigureConsumeTopology = false;
                    endpoint.ConnectReceiveEndpointObserver(context.GetRequiredService<RoomEventBindings>());
                    // One at a time keeps the broker's order; each consume only hands off to a room's pump.
                    endpoint.ConcurrentMessageLimit = 1;
                    endpoint.PrefetchCount = 512;
                    endpoint.ConfigureConsumer<MessagePostedConsumer>(context);
                    endpoint.ConfigureConsumer<RoomDestroyedConsumer>(context);
                    endpoint.ConfigureConsumer<PresenceChangedConsumer>(context);
                    endpoint.ConfigureConsumer<MemberTypingConsumer>(context);
                }));
        return builder;
    }
}
