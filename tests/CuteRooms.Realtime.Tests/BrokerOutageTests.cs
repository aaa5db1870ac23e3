using System.Diagnostics;
using System.Net;
using CuteRooms.Contracts;

namespace CuteRooms.Realtime.Tests;

/// <summary>A system with a RabbitMQ of its own, which its test stops and starts under load.</summary>
public sealed class BrokerOutageSystem : IAsyncLifetime
{
    public TestSystem App { get; private set; } = null!;
    public HttpClient Api { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        App = await TestSystem.StartAsync("broker-outage-system", realtimeReplicas: 2, SystemFixture.Settings(), ownBroker: true);
        Api = new HttpClient { BaseAddress = App.ApiEndpoint };
    }

    public async ValueTask DisposeAsync()
    {
        Api?.Dispose();
        if (App is not null) await App.DisposeAsync();
    }
}

/// <summary>Its timings are the system's, not the machine's: it runs alone, after the collections that run side by side.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrokerOutageCollection : ICollectionFixture<BrokerOutageSystem>
{
    public const string Name = "broker outage";
}

/// <summary>
/// RabbitMQ stopped for 15 s while a room is busy: posts are answered as soon as they are stored, no
/// stream ends, every subscriber gets every message once and in time (the replicas read the room
/// from Redis meanwhile), and presence is exact once the broker is back.
/// </summary>
[Collection(BrokerOutageCollection.Name)]
public sealed class BrokerOutageTests(BrokerOutageSystem system)
{
    private const int Subscribers = 10;
    private static readonly TimeSpan PostEvery = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_broker_outage_stalls_no_post_ends_no_stream_and_loses_nothing()
    {
        var room = await system.Api.CreateRoomAsync();
        var poster = await system.Api.AdmitAsync(room.Id);
        var subscriptions = new List<SseSubscription>();
        for (var i = 0; i < Subscribers; i++)
        {
            var token = await system.Api.AdmitAsync(room.Id);
            subscriptions.Add(await SseSubscription.OpenAsync(system.App.RealtimeEndpoints[i % 2], room.Id, token));
        }
        try
        {
            Assert.NotNull(await subscriptions[0].PresenceAsync(p => p.Online == Subscribers, TimeSpan.FromSeconds(10)));
            var receipts = subscriptions.Select(MessageReceipts.Collect).ToList();

            var posted = new List<(MessageResponse Message, DateTime At)>();
            var postTimes = new List<TimeSpan>();
            using var posting = new CancellationTokenSource();
            var posts = Task.Run(async () =>
            {
                while (!posting.IsCancellationRequested)
                {
                    var clock = Stopwatch.StartNew();
                    var message = await system.Api.PostAsync(room.Id, poster, $"m{posted.Count}");
                    postTimes.Add(clock.Elapsed);
                    lock (posted) posted.Add((message, DateTime.UtcNow));
                    await Task.Delay(PostEvery);
                }
            });

            await Task.Delay(TimeSpan.FromSeconds(3));
            await system.App.StopResourceAsync("messaging");
            await Task.Delay(Outage);
            await system.App.StartResourceAsync("messaging");
            await Task.Delay(TimeSpan.FromSeconds(5));
            await posting.CancelAsync();
            await posts;

            var expected = posted.Select(entry => entry.Message.Id).ToList();
            var received = new List<List<(string Id, DateTime At)>>();
            foreach (var receipt in receipts) received.Add(await receipt.Until(expected[^1], TimeSpan.FromSeconds(10)));
            var latest = received.Select(ids => ids.Zip(posted, (receipt, post) => receipt.At - post.At).DefaultIfEmpty().Max()).ToList();
            var online = (await system.Api.GetRoomAsync(room.Id)).Online;
            Figures.Report("broker stopped for 15 s",
                $"{postTimes.Count} posts at 5/s: p50 {Durations.Percentile(postTimes, 0.5).TotalMilliseconds:0} ms, p99 {Durations.Percentile(postTimes, 0.99).TotalMilliseconds:0} ms, max {postTimes.Max().TotalMilliseconds:0} ms",
                $"{Subscribers} subscribers on two replicas: {subscriptions.Count(subscription => subscription.Ended.IsCompleted)} streams ended; " +
                $"lost {received.Sum(ids => expected.Except(ids.Select(receipt => receipt.Id)).Count())}, duplicated {received.Sum(ids => ids.Count - ids.DistinctBy(receipt => receipt.Id).Count())}; " +
                $"slowest delivery {latest.Max().TotalSeconds:0.00} s after its post",
                $"online {online} of {Subscribers} 5 s after the broker was back");

            Assert.True(Durations.Percentile(postTimes, 0.99) <= TimeSpan.FromMilliseconds(250), $"POST p99 {Durations.Percentile(postTimes, 0.99).TotalMilliseconds:0} ms");
            foreach (var subscription in subscriptions) Assert.False(subscription.Ended.IsCompleted, "a stream ended during the outage");
            for (var i = 0; i < Subscribers; i++)
            {
                Assert.Equal(expected, received[i].Select(receipt => receipt.Id));
                Assert.True(latest[i] <= TimeSpan.FromSeconds(2), $"subscriber {i} got a message {latest[i].TotalSeconds:0.0} s after it was posted");
            }
            Assert.Equal(Subscribers, online);
        }
        finally
        {
            foreach (var subscription in subscriptions) await subscription.DisposeAsync();
        }
    }
}
