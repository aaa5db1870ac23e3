using System.Text.Json;
using CuteRooms.Contracts;

namespace CuteRooms.Realtime.Tests;

/// <summary>
/// kill -9 of one replica of two while a room is busy: its subscribers resume on the other with the
/// id they last saw and miss nothing and see nothing twice. (That the online count is right within
/// 15 s is <c>ReplicaFailureTests</c>'.)
/// </summary>
[Collection(BrokerOutageCollection.Name)]
public sealed class ReplicaKillTests(BrokerOutageSystem system)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Subscribers_of_a_killed_replica_resume_on_the_other_losing_and_doubling_nothing()
    {
        var room = await system.Api.CreateRoomAsync();
        var poster = await system.Api.AdmitAsync(room.Id);
        var tokens = new List<string>();
        for (var i = 0; i < 6; i++) tokens.Add(await system.Api.AdmitAsync(room.Id));
        // Three on each replica; the ones on replica 1 come back on replica 0 when theirs dies.
        var readers = tokens.Select((token, i) => new ResumingReader(system.App.RealtimeEndpoints, room.Id, token, home: i % 2)).ToList();
        try
        {
            foreach (var reader in readers) await reader.StartAsync();
            var posted = new List<string>();
            for (var i = 0; i < 10; i++) posted.Add((await system.Api.PostAsync(room.Id, poster, $"before {i}")).Id);

            await system.App.KillRealtimeReplicaAsync(1);
            for (var i = 0; i < 20; i++)
            {
                posted.Add((await system.Api.PostAsync(room.Id, poster, $"after {i}")).Id);
                await Task.Delay(100);
            }

            var received = new List<List<string>>();
            foreach (var reader in readers) received.Add(await reader.ReceivedUntilAsync(posted[^1], TimeSpan.FromSeconds(20)));
            Figures.Report("replica killed: delivery",
                $"{readers.Count} readers, {readers.Count(reader => reader.Resumes > 0)} resumed on the other replica after kill -9 of theirs; " +
                $"of {posted.Count} messages each: lost {received.Sum(ids => posted.Except(ids).Count())}, duplicated {received.Sum(ids => ids.Count - ids.Distinct().Count())}");

            foreach (var ids in received) Assert.Equal(posted, ids);
            Assert.Contains(readers, reader => reader.Resumes > 0);
        }
        finally
        {
            foreach (var reader in readers) await reader.DisposeAsync();
            await system.App.StartRealtimeReplicaAsync(1);
        }
    }

    /// <summary>A client that reads its stream and, when it ends, opens it again on the other replica from the last id it saw.</summary>
    private sealed class ResumingReader(IReadOnlyList<Uri> replicas, string roomId, string token, int home) : IAsyncDisposable
    {
        private readonly List<string> received = [];
        private readonly CancellationTokenSource stop = new();
        private Task? reading;
        private SseSubscription? current;

        public int Resumes { get; private set; }

        public async Task StartAsync()
        {
            current = await SseSubscription.OpenAsync(replicas[home], roomId, token);
            await current.NextAsync(RoomEventTypes.Presence);
            reading = Task.Run(ReadAsync);
        }

        private async Task ReadAsync()
        {
            var replica = home;
            while (!stop.IsCancellationRequested)
            {
                var item = await current!.NextAsync(RoomEventTypes.Message, TimeSpan.FromSeconds(1));
                if (item is { } message)
                {
                    lock (received) received.Add(JsonSerializer.Deserialize<MessageResponse>(message.Data, Json)!.Id);
                    continue;
                }
                if (!current.Ended.IsCompleted) continue;

                // The stream ended (its replica died): resume on the other one, as a browser does.
                await current.DisposeAsync();
                replica = (replica + 1) % replicas.Count;
                string? last;
                lock (received) last = received.LastOrDefault();
                current = await ReopenAsync(replicas[replica], last ?? "0-0");
                Resumes++;
            }
        }

        private async Task<SseSubscription> ReopenAsync(Uri replica, string lastEventId)
        {
            while (true)
            {
                try
                {
                    return await SseSubscription.OpenAsync(replica, roomId, token, lastEventId);
                }
                catch (Exception) when (!stop.IsCancellationRequested)
                {
                    await Task.Delay(200);
                }
            }
        }

        public async Task<List<string>> ReceivedUntilAsync(string lastId, TimeSpan timeout)
        {
            var until = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < until)
            {
                lock (received)
                {
                    if (received.Contains(lastId)) return [.. received];
                }
                await Task.Delay(100);
            }
            lock (received) return [.. received];
        }

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            if (reading is not null) await reading;
            if (current is not null) await current.DisposeAsync();
        }
    }
}
