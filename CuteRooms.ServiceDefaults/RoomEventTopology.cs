using CuteRooms.Contracts;
using MassTransit;
using RabbitMQ.Client;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Every room event goes to one direct exchange with the room id as its routing key, so that a
/// Realtime replica binds its queue to the rooms it holds streams for and receives nothing else:
/// adding replicas adds fan-out capacity instead of repeating every room's events on each.
/// Publishers (the Api, Realtime's presence announcements) and the binder share this.
/// </summary>
public static class RoomEventTopology
{
    public const string Exchange = "cuterooms.room-events";

    /// <summary>As MassTransit declares a publish exchange: durable, not auto-deleted, no arguments.</summary>
    public static Task DeclareExchangeAsync(IChannel channel, CancellationToken cancellationToken = default) =>
        channel.ExchangeDeclareAsync(Exchange, ExchangeType.Direct, durable: true, autoDelete: false, cancellationToken: cancellationToken);

    internal static void Configure(IRabbitMqBusFactoryConfigurator rabbit)
    {
        RouteByRoom<MessagePosted>(rabbit, posted => posted.RoomId);
        RouteByRoom<RoomDestroyed>(rabbit, destroyed => destroyed.RoomId);
        RouteByRoom<PresenceChanged>(rabbit, changed => changed.RoomId);
        RouteByRoom<MemberTyping>(rabbit, typing => typing.RoomId);
    }

    private static void RouteByRoom<TEvent>(IRabbitMqBusFactoryConfigurator rabbit, Func<TEvent, string> roomId) where TEvent : class
    {
        rabbit.Message<TEvent>(message => message.SetEntityName(Exchange));
        rabbit.Publish<TEvent>(publish => publish.ExchangeType = ExchangeType.Direct);
        rabbit.Send<TEvent>(send => send.UseRoutingKeyFormatter(context => roomId(context.Message)));
    }
}
