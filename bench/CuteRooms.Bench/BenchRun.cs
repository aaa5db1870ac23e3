using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using CuteRooms.Contracts;

namespace CuteRooms.Bench;

public sealed record BenchReport(
    int Subscribers, int Connected, long Posted, long PostFailures, long Expected, long Received, long Lost,
    long Duplicates, long OutOfOrder, long Reconnects, double DeliveriesPerSecond,
    double P50Ms, double P99Ms, double MaxMs, double? RealtimeKiBPerSubscriber, double? RealtimeIdleRssMiB, double? RealtimeRssMiB,
    int Rooms = 1, string ReplicaShares = "", double? WebKiBPerSubscriber = null, double? WebRssMiB = null, long PostsUnanswered = 0)
{
    public override string ToString() => $"""
        rooms                   {Rooms}
        subscribers requested   {Subscribers}
        connected               {Connected}
        messages posted         {Posted} ({PostFailures} refused{(PostsUnanswered > 0 ? $", {PostsUnanswered} unanswered: stored or not, so lost can be off by that many × a room's subscribers" : "")})
        deliveries expected     {Expected}
        deliveries received     {Received}
        lost                    {Lost}
        duplicates              {Duplicates}
        out of order            {OutOfOrder}
        reconnects              {Reconnects}
        deliveries/s            {DeliveriesPerSecond:F0}
        latency p50 / p99 / max {P50Ms:F1} / {P99Ms:F1} / {MaxMs:F1} ms (post → receipt)
        realtime memory         {(RealtimeKiBPerSubscriber is { } kib ? $"{kib:F1} KiB per held subscriber (RSS {RealtimeIdleRssMiB:F0} MiB before any stream, {RealtimeRssMiB:F0} MiB holding all)" : "not measured (no --realtime-pid)")}
        web (gateway) memory    {(WebKiBPerSubscriber is { } webKib ? $"{webKib:F1} KiB per held subscriber (RSS {WebRssMiB:F0} MiB holding all)" : "not measured (a system the bench did not start)")}
        """ + (ReplicaShares.Length > 0 ? "\n" + ReplicaShares : "");
}

/// <summary>One bounded run: admit, connect, post at a fixed rate, drain, report.</summary>
public sealed class BenchRun(BenchOptions options, Uri web, int? realtimePid, IReadOnlyList<Uri>? replicas = null, int? webPid = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly LatencyRecorder latencies = new();
    private long received, duplicates, outOfOrder, reconnects;
    private int connected;

    public async Task<BenchReport> ExecuteAsync()
    {
        using var handler = new SocketsHttpHandler
        {
            UseCookies = false, // each subscriber carries its own gatekeeper cookie
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(15),
        };
        using var http = new HttpClient(handler) { BaseAddress = web, Timeout = Timeout.InfiniteTimeSpan };

        var rooms = new string[options.Rooms];
        for (var i = 0; i < rooms.Length; i++) rooms[i] = await CreateRoomAsync(http);
        var rssIdle = ReadRss(realtimePid);

        Console.WriteLine($"Admitting {options.Subscribers} subscribers to {rooms.Length} room(s) through the gatekeeper of {web}…");
        // Subscriber i is a member of room i mod R.
        var tokens = await AdmitAsync(http, rooms);
        var connectedPerRoom = new int[rooms.Length];

        // Connect in two halves: the second half's growth is the cost of one more held subscriber,
        // free of the one-time warm-up (JIT, pools, heap growth) the first half pays.
        using var streams = new CancellationTokenSource();
        using var connectGate = new SemaphoreSlim(options.ConnectConcurrency);
        var listeners = new List<Task>(tokens.Length);
        var half = tokens.Length / 2;
        await ConnectAsync(0, half);
        var (rssHalf, webRssHalf) = (ReadRss(realtimePid), ReadRss(webPid));
        await ConnectAsync(half, tokens.Length);
        var (rssHeld, webRssHeld) = (ReadRss(realtimePid), ReadRss(webPid));
        var connectedCount = Volatile.Read(ref connected);
        Console.WriteLine($"Connected: {connectedCount}/{tokens.Length}");

        async Task ConnectAsync(int from, int to)
        {
            Console.WriteLine($"Opening {to - from} SSE streams…");
            var target = Volatile.Read(ref connected) + (to - from);
            for (var i = from; i < to; i++)
            {
                await connectGate.WaitAsync();
                listeners.Add(ListenAsync(http, rooms[i % rooms.Length], tokens[i], () => Interlocked.Increment(ref connectedPerRoom[i % rooms.Length]), connectGate, streams.Token));
            }
            await WaitUntilAsync(() => Volatile.Read(ref connected) >= target, TimeSpan.FromSeconds(180));
            await Task.Delay(TimeSpan.FromSeconds(3)); // let presence refreshes and connect garbage settle
        }

        var replicasBefore = await FanoutAsync(rooms);
        var (postedPerRoom, failures, unanswered, postingTime) = await PostAtRateAsync(http, rooms, tokens);
        var posted = postedPerRoom.Sum();
        var expected = postedPerRoom.Select((count, room) => count * (long)Volatile.Read(ref connectedPerRoom[room])).Sum();
        await WaitUntilAsync(() => Interlocked.Read(ref received) >= expected, TimeSpan.FromSeconds(20));
        var replicasAfter = await FanoutAsync(rooms);
        streams.Cancel();
        await Task.WhenAll(listeners.Select(listener => listener.ContinueWith(_ => { })));

        var (_, p50, p99, max) = latencies.Summarize();
        var got = Interlocked.Read(ref received);
        return new BenchReport(
            options.Subscribers, connectedCount, posted, failures, expected, got, Math.Max(0, expected - got),
            duplicates, outOfOrder, reconnects, got / postingTime.TotalSeconds /* over the posting window */, p50, p99, max,
            rssHalf is { } atHalf && rssHeld is { } held && tokens.Length - half > 0 ? (held - atHalf) / 1024.0 / (tokens.Length - half) : null,
            rssIdle is { } idle ? idle / 1024.0 / 1024.0 : null,
            rssHeld is { } rss ? rss / 1024.0 / 1024.0 : null,
            rooms.Length, ReplicaShares(replicasBefore, replicasAfter, postedPerRoom),
            webRssHalf is { } webAtHalf && webRssHeld is { } webHeld && tokens.Length - half > 0 ? (webHeld - webAtHalf) / 1024.0 / (tokens.Length - half) : null,
            webRssHeld is { } webRss ? webRss / 1024.0 / 1024.0 : null,
            unanswered);
    }

    /// <summary>Each replica's rooms and event counters (<c>/internal/fanout</c>), when its address is known.</summary>
    private async Task<List<ReplicaFanout>?> FanoutAsync(string[] rooms)
    {
        if (replicas is null or { Count: 0 }) return null;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var result = new List<ReplicaFanout>();
        foreach (var replica in replicas)
        {
            var totals = await http.GetFromJsonAsync<JsonElement>(new Uri(replica, "internal/fanout"));
            var held = new List<int>();
            for (var room = 0; room < rooms.Length; room++)
            {
                var snapshot = await http.GetFromJsonAsync<JsonElement>(new Uri(replica, $"internal/fanout/rooms/{rooms[room]}"));
                if (snapshot.GetProperty("streams").GetInt32() > 0) held.Add(room);
            }
            result.Add(new ReplicaFanout(replica, held, totals.GetProperty("streams").GetInt32(),
                totals.GetProperty("eventsForHeldRooms").GetInt64(), totals.GetProperty("eventsForOtherRooms").GetInt64()));
        }
        return result;
    }

    private sealed record ReplicaFanout(Uri Replica, List<int> RoomsHeld, int Streams, long EventsForHeldRooms, long EventsForOtherRooms);

    /// <summary>Per replica: the rooms it held, the messages posted to them, and the events it consumed meanwhile.</summary>
    private static string ReplicaShares(List<ReplicaFanout>? before, List<ReplicaFanout>? after, long[] postedPerRoom)
    {
        if (before is null || after is null) return "";
        var total = postedPerRoom.Sum();
        var lines = new List<string> { "replica                 rooms  streams  messages to its rooms  events consumed (held / other rooms)  consumed ÷ all messages" };
        for (var i = 0; i < after.Count; i++)
        {
            var own = after[i].RoomsHeld.Sum(room => postedPerRoom[room]);
            var held = after[i].EventsForHeldRooms - before[i].EventsForHeldRooms;
            var other = after[i].EventsForOtherRooms - before[i].EventsForOtherRooms;
            lines.Add($"{after[i].Replica.Authority,-23} {after[i].RoomsHeld.Count,5}  {after[i].Streams,7}  {own,21}  {held,20} / {other,-15}  {(held + other) / (double)Math.Max(1, total):P1}");
        }
        return string.Join('\n', lines);
    }

    private static async Task<string> CreateRoomAsync(HttpClient http)
    {
        var response = await http.PostAsJsonAsync("api/rooms", new CreateRoomRequest("bench", 86_400));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<RoomResponse>(Json))!.Id;
    }

    private async Task<string[]> AdmitAsync(HttpClient http, string[] rooms)
    {
        var tokens = new string[options.Subscribers];
        await Parallel.ForAsync(0, tokens.Length, new ParallelOptions { MaxDegreeOfParallelism = options.ConnectConcurrency }, async (i, ct) =>
        {
            using var response = await http.GetAsync($"room/{rooms[i % rooms.Length]}", ct);
            response.EnsureSuccessStatusCode();
            var cookie = response.Headers.GetValues("Set-Cookie").First(value => value.StartsWith(AuthCookie.Name + "=", StringComparison.Ordinal));
            tokens[i] = cookie[(AuthCookie.Name.Length + 1)..cookie.IndexOf(';')];
        });
        return tokens;
    }

    /// <summary>Holds one stream like a browser's EventSource: reconnects with Last-Event-ID when it ends.</summary>
    private async Task ListenAsync(HttpClient http, string roomId, string token, Action connectedToRoom, SemaphoreSlim connectGate, CancellationToken stop)
    {
        var shard = latencies.NewShard();
        string? lastId = null;
        var counted = false;
        var gateHeld = true;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"realtime/rooms/{roomId}/events");
                request.Headers.Add("Cookie", $"{AuthCookie.Name}={token}");
                if (lastId is not null) request.Headers.Add("Last-Event-ID", lastId);
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop);
                if (response.StatusCode != HttpStatusCode.OK) return;
                await using var body = await response.Content.ReadAsStreamAsync(stop);

                // Parse only what is measured, straight from the event's bytes: the load generator shares
                // the machine's two cores with the system, so its own cost must stay small.
                await foreach (var item in SseParser.Create(body, ParseSentTimestamp).EnumerateAsync(stop))
                {
                    if (item.EventType == RoomEventTypes.Presence && !counted)
                    {
                        counted = true;
                        connectedToRoom();
                        Interlocked.Increment(ref connected);
                    }
                    if (gateHeld) { gateHeld = false; connectGate.Release(); }
                    if (item.EventType != RoomEventTypes.Message) continue;

                    var now = Stopwatch.GetTimestamp();
                    if (lastId is not null && StreamIds.Compare(item.EventId!, lastId) <= 0)
                    {
                        Interlocked.Increment(ref StreamIds.Compare(item.EventId!, lastId) == 0 ? ref duplicates : ref outOfOrder);
                        continue;
                    }
                    lastId = item.EventId;
                    shard.Add((int)Math.Min(int.MaxValue, Stopwatch.GetElapsedTime(item.Data, now).Ticks / 10));
                    Interlocked.Increment(ref received);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception) when (!stop.IsCancellationRequested)
            {
                // dropped: resume like EventSource does
            }
            finally
            {
                if (gateHeld) { gateHeld = false; connectGate.Release(); }
            }
            if (stop.IsCancellationRequested) break;
            Interlocked.Increment(ref reconnects);
            await Task.Delay(TimeSpan.FromMilliseconds(200), CancellationToken.None);
        }
    }

    private static readonly byte[] TextPrefix = "\"text\":\"bench "u8.ToArray();

    /// <summary>The Stopwatch timestamp a bench message carries in its text; 0 for other events.</summary>
    private static long ParseSentTimestamp(string eventType, ReadOnlySpan<byte> data)
    {
        if (eventType != RoomEventTypes.Message) return 0;
        var start = data.IndexOf(TextPrefix);
        if (start < 0) return 0;
        System.Buffers.Text.Utf8Parser.TryParse(data[(start + TextPrefix.Length)..], out long timestamp, out _);
        return timestamp;
    }

    /// <summary>Posts at the given rate over all rooms in turn, each message from one of that room's members.</summary>
    private async Task<(long[] PostedPerRoom, long Failures, long Unanswered, TimeSpan Elapsed)> PostAtRateAsync(HttpClient http, string[] rooms, string[] tokens)
    {
        var total = (long)(options.MessagesPerSecond * options.Duration.TotalSeconds);
        // Members of room r are tokens r, r + R, r + 2R…; enough posters that none exceeds a few messages a second.
        var postersPerRoom = Math.Clamp((int)Math.Ceiling(options.MessagesPerSecond / rooms.Length / 4), 1, Math.Max(1, tokens.Length / rooms.Length));
        Console.WriteLine($"Posting {total} messages at {options.MessagesPerSecond}/s for {options.Duration.TotalSeconds:F0} s over {rooms.Length} room(s)…");

        var postedPerRoom = new long[rooms.Length];
        long failures = 0, unanswered = 0;
        var inFlight = new List<Task>();
        var start = Stopwatch.GetTimestamp();
        for (long i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds(i / options.MessagesPerSecond) - Stopwatch.GetElapsedTime(start);
            if (due > TimeSpan.Zero) await Task.Delay(due);

            var room = (int)(i % rooms.Length);
            var token = tokens[room + (int)(i / rooms.Length % postersPerRoom) * rooms.Length];
            inFlight.Add(Task.Run(async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, $"api/rooms/{rooms[room]}/messages")
                {
                    Content = JsonContent.Create(new PostMessageRequest($"bench {Stopwatch.GetTimestamp()}")),
                };
                request.Headers.Add("Cookie", $"{AuthCookie.Name}={token}");
                try
                {
                    using var response = await http.SendAsync(request);
                    if (response.IsSuccessStatusCode) Interlocked.Increment(ref postedPerRoom[room]);
                    else Interlocked.Increment(ref failures);
                }
                catch (HttpRequestException)
                {
                    // The connection was lost before the answer (the server closed it as it was reused,
                    // say): counted and reported rather than ending the run.
                    Interlocked.Increment(ref unanswered);
                }
            }));
        }
        await Task.WhenAll(inFlight);
        return (postedPerRoom, failures, unanswered, Stopwatch.GetElapsedTime(start));
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (!condition() && Stopwatch.GetTimestamp() < deadline) await Task.Delay(100);
    }

    /// <summary>Resident memory of a process (Realtime, the Web) in bytes, from /proc.</summary>
    private static long? ReadRss(int? process)
    {
        if (process is not { } pid) return null;
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0]) * 1024;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
