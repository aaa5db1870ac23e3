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
    double P50Ms, double P99Ms, double MaxMs, double? RealtimeKiBPerSubscriber, double? RealtimeIdleRssMiB, double? RealtimeRssMiB)
{
    public override string ToString() => $"""
        subscribers requested   {Subscribers}
        connected               {Connected}
        messages posted         {Posted} ({PostFailures} failed)
        deliveries expected     {Expected}
        deliveries received     {Received}
        lost                    {Lost}
        duplicates              {Duplicates}
        out of order            {OutOfOrder}
        reconnects              {Reconnects}
        deliveries/s            {DeliveriesPerSecond:F0}
        latency p50 / p99 / max {P50Ms:F1} / {P99Ms:F1} / {MaxMs:F1} ms (post → receipt)
        realtime memory         {(RealtimeKiBPerSubscriber is { } kib ? $"{kib:F1} KiB per held subscriber (RSS {RealtimeIdleRssMiB:F0} MiB before any stream, {RealtimeRssMiB:F0} MiB holding all)" : "not measured (no --realtime-pid)")}
        """;
}

/// <summary>One bounded run: admit, connect, post at a fixed rate, drain, report.</summary>
public sealed class BenchRun(BenchOptions options, Uri web, int? realtimePid)
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

        var roomId = await CreateRoomAsync(http);
        var rssIdle = ReadRealtimeRss();

        Console.WriteLine($"Admitting {options.Subscribers} subscribers through the gatekeeper of {web}…");
        var tokens = await AdmitAsync(http, roomId);

        // Connect in two halves: the second half's growth is the cost of one more held subscriber,
        // free of the one-time warm-up (JIT, pools, heap growth) the first half pays.
        using var streams = new CancellationTokenSource();
        using var connectGate = new SemaphoreSlim(options.ConnectConcurrency);
        var listeners = new List<Task>(tokens.Length);
        var half = tokens.Length / 2;
        await ConnectAsync(tokens[..half]);
        var rssHalf = ReadRealtimeRss();
        await ConnectAsync(tokens[half..]);
        var rssHeld = ReadRealtimeRss();
        var connectedCount = Volatile.Read(ref connected);
        Console.WriteLine($"Connected: {connectedCount}/{tokens.Length}");

        async Task ConnectAsync(string[] batch)
        {
            Console.WriteLine($"Opening {batch.Length} SSE streams…");
            var target = Volatile.Read(ref connected) + batch.Length;
            foreach (var token in batch)
            {
                await connectGate.WaitAsync();
                listeners.Add(ListenAsync(http, roomId, token, connectGate, streams.Token));
            }
            await WaitUntilAsync(() => Volatile.Read(ref connected) >= target, TimeSpan.FromSeconds(180));
            await Task.Delay(TimeSpan.FromSeconds(3)); // let presence refreshes and connect garbage settle
        }

        var (posted, failures, postingTime) = await PostAtRateAsync(http, roomId, tokens);
        var expected = posted * connectedCount;
        await WaitUntilAsync(() => Interlocked.Read(ref received) >= expected, TimeSpan.FromSeconds(20));
        streams.Cancel();
        await Task.WhenAll(listeners.Select(listener => listener.ContinueWith(_ => { })));

        var (_, p50, p99, max) = latencies.Summarize();
        var got = Interlocked.Read(ref received);
        return new BenchReport(
            options.Subscribers, connectedCount, posted, failures, expected, got, Math.Max(0, expected - got),
            duplicates, outOfOrder, reconnects, got / postingTime.TotalSeconds /* over the posting window */, p50, p99, max,
            rssHalf is { } atHalf && rssHeld is { } held && tokens.Length - half > 0 ? (held - atHalf) / 1024.0 / (tokens.Length - half) : null,
            rssIdle is { } idle ? idle / 1024.0 / 1024.0 : null,
            rssHeld is { } rss ? rss / 1024.0 / 1024.0 : null);
    }

    private static async Task<string> CreateRoomAsync(HttpClient http)
    {
        var response = await http.PostAsJsonAsync("api/rooms", new CreateRoomRequest("bench", 86_400));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<RoomResponse>(Json))!.Id;
    }

    private async Task<string[]> AdmitAsync(HttpClient http, string roomId)
    {
        var tokens = new string[options.Subscribers];
        await Parallel.ForAsync(0, tokens.Length, new ParallelOptions { MaxDegreeOfParallelism = options.ConnectConcurrency }, async (i, ct) =>
        {
            using var response = await http.GetAsync($"room/{roomId}", ct);
            response.EnsureSuccessStatusCode();
            var cookie = response.Headers.GetValues("Set-Cookie").First(value => value.StartsWith(AuthCookie.Name + "=", StringComparison.Ordinal));
            tokens[i] = cookie[(AuthCookie.Name.Length + 1)..cookie.IndexOf(';')];
        });
        return tokens;
    }

    /// <summary>Holds one stream like a browser's EventSource: reconnects with Last-Event-ID when it ends.</summary>
    private async Task ListenAsync(HttpClient http, string roomId, string token, SemaphoreSlim connectGate, CancellationToken stop)
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

    private async Task<(long Posted, long Failures, TimeSpan Elapsed)> PostAtRateAsync(HttpClient http, string roomId, string[] tokens)
    {
        var total = (long)(options.MessagesPerSecond * options.Duration.TotalSeconds);
        var posters = tokens.Take(Math.Clamp((int)Math.Ceiling(options.MessagesPerSecond / 4), 1, tokens.Length)).ToArray();
        Console.WriteLine($"Posting {total} messages at {options.MessagesPerSecond}/s for {options.Duration.TotalSeconds:F0} s from {posters.Length} members…");

        long posted = 0, failures = 0;
        var inFlight = new List<Task>();
        var start = Stopwatch.GetTimestamp();
        for (long i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds(i / options.MessagesPerSecond) - Stopwatch.GetElapsedTime(start);
            if (due > TimeSpan.Zero) await Task.Delay(due);

            var token = posters[i % posters.Length];
            inFlight.Add(Task.Run(async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, $"api/rooms/{roomId}/messages")
                {
                    Content = JsonContent.Create(new PostMessageRequest($"bench {Stopwatch.GetTimestamp()}")),
                };
                request.Headers.Add("Cookie", $"{AuthCookie.Name}={token}");
                using var response = await http.SendAsync(request);
                Interlocked.Increment(ref response.IsSuccessStatusCode ? ref posted : ref failures);
            }));
        }
        await Task.WhenAll(inFlight);
        return (posted, failures, Stopwatch.GetElapsedTime(start));
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (!condition() && Stopwatch.GetTimestamp() < deadline) await Task.Delay(100);
    }

    /// <summary>Resident memory of the Realtime process in bytes, from /proc.</summary>
    private long? ReadRealtimeRss()
    {
        if (realtimePid is not { } pid) return null;
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
