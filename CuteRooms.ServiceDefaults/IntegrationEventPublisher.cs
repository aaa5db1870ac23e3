using MassTransit;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Announces a change already stored in Redis. Redis holds the truth before any event leaves and
/// Realtime recovers a lost one from the stream (the next event shows the gap, its heartbeat sees the
/// newest message and rooms that are gone), so a publish waits for the broker a bounded time and a
/// failure is logged rather than failing the request that made the change, or holding up a page.
/// </summary>
public sealed class IntegrationEventPublisher(IBus bus, ILogger<IntegrationEventPublisher> logger)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Publishes without anyone waiting, for announcements (presence) that must not hold up a page,
    /// a stream or a heartbeat when the broker is slow. Bounded and logged like any publish.
    /// </summary>
    public void PublishInBackground<TEvent>(TEvent integrationEvent) where TEvent : class =>
        _ = PublishAsync(integrationEvent, CancellationToken.None);

    public async Task PublishAsync<TEvent>(TEvent integrationEvent, CancellationToken cancellationToken = default)
        where TEvent : class
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(Timeout);
        try
        {
            await bus.Publish(integrationEvent, bounded.Token);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(exception, "{Event} was stored but could not be published: {Details}", typeof(TEvent).Name, integrationEvent);
        }
    }
}
