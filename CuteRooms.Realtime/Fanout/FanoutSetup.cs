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
            },
            (context, rabbit) =>
                // Every replica gets every event through its own exclusive, auto-deleted queue.
                rabbit.ReceiveEndpoint(new TemporaryEndpointDefinition(), endpoint =>
                {
                    // One at a time keeps the broker's order; each consume only hands off to a room's pump.
                    endpoint.ConcurrentMessageLimit = 1;
                    endpoint.PrefetchCount = 512;
                    endpoint.ConfigureConsumer<MessagePostedConsumer>(context);
                    endpoint.ConfigureConsumer<RoomDestroyedConsumer>(context);
                    endpoint.ConfigureConsumer<PresenceChangedConsumer>(context);
                }));
        return builder;
    }
}
