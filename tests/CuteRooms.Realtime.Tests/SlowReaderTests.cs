using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using CuteRooms.Contracts;

namespace CuteRooms.Realtime.Tests;

/// <summary>A system with one Realtime replica, so that every stalled stream is held by the process whose memory is read.</summary>
public sealed class SlowReaderSystem : IAsyncLifetime
{
    public TestSystem App { get; private set; } = null!;
    public HttpClient Api { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        App = await TestSystem.StartAsync("slow-reader-system", realtimeReplicas: 1, SystemFixture.Settings());
        Api = new HttpClient { BaseAddress = App.ApiEndpoint };
    }

    public async ValueTask DisposeAsync()
    {
        Api?.Dispose();
        if (App is not null) await App.DisposeAsync();
    }
}

/// <summary>Its timings and memory are the system's, not the machine's: it runs alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SlowReaderCollection : ICollectionFixture<SlowReaderSystem>
{
    public const string Name = "slow readers";
}

/// <summary>
/// Streams that never read, under 10 msg/s of 2 KB messages: through the Web origin each is cut off
/// once its peer has taken nothing for the gateway's bound (10 s), with memory in the processes and
/// the kernel bounded and given back and readers that keep up unaffected; straight at Realtime, by
/// Realtime's own lag bound (10 s) on the frames it holds.
/// </summary>
[Collection(SlowReaderCollection.Name)]
public sealed class SlowReaderTests(SlowReaderSystem system)
{
    private const int StalledCount = 1_000;
    private const int LiveReaders = 20;
    private static readonly TimeSpan PostEvery = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Baseline = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Stalled = TimeSpan.FromSeconds(60);
    private static readonly string Text = new('x', 2_000);

    /// <summary>The gateway's default bound (Gateway:StalledStreamTimeout), plus one of its sweeps (250 ms), this test's sampling of the kernel's table (500 ms) and a scheduling slack.</summary>
    private static readonly TimeSpan CutOffWithin = TimeSpan.FromSeconds(10 + 1.5);

    // Stated bounds (docs/architecture.md, "Slow readers"), for 1,000 stalled streams.
    private const long RealtimeGrowthBound = 100L << 20;
    private const long WebGrowthBound = 300L << 20;
    private const long ServerKernelBound = 64L << 20;

    [Fact]
    public async Task Streams_that_never_read_are_cut_off_by_lag_within_bounded_memory_and_readers_that_keep_up_see_no_difference()
    {
        var room = await system.Api.CreateRoomAsync();
        var poster = await system.Api.AdmitAsync(room.Id);
        var realtimePid = await system.App.ServiceProcessIdAsync(TestSystem.RealtimeReplica(0), "CuteRooms.Realtime");
        var webPid = await system.App.ServiceProcessIdAsync("web", "CuteRooms.Web");
        var stalledTokens = await AdmitAsync(room.Id, StalledCount);

        var live = new List<SseSubscription>();
        for (var i = 0; i < LiveReaders; i++)
            live.Add(await SseSubscription.OpenAsync(system.App.WebEndpoint, room.Id, await system.Api.AdmitAsync(room.Id)));
        var receipts = live.Select(MessageReceipts.Collect).ToList();
        var stalled = new StalledStreams(system.App.WebEndpoint);
        try
        {
            var before = new MemorySample(realtimePid, webPid);
            var posted = new List<(string Id, DateTime At)>();
            using var posting = new CancellationTokenSource();
            var posts = Task.Run(() => PostEvery100msAsync(room.Id, poster, posted, posting.Token));

            await Task.Delay(Baseline);
            var stallStarted = DateTime.UtcNow;
            await Parallel.ForEachAsync(stalledTokens, new ParallelOptions { MaxDegreeOfParallelism = 32 },
                async (token, _) => await stalled.OpenAsync(room.Id, token));
            var opened = DateTime.UtcNow;

            var peak = before;
            long serverQueuedPeak = 0;
            while (DateTime.UtcNow < stallStarted + Stalled)
            {
                await Task.Delay(500);
                peak = peak.Max(new MemorySample(realtimePid, webPid));
                serverQueuedPeak = Math.Max(serverQueuedPeak, stalled.Sample(realtimePid, webPid));
            }
            await posting.CancelAsync();
            await posts;
            stalled.Sample(realtimePid, webPid);
            var stalledFor = stalled.StalledFor();
            var lasted = stalled.Lasted();
            stalled.Dispose(); // the test's own sockets hold what they were sent and never read
            await Task.Delay(TimeSpan.FromSeconds(2));
            var after = new MemorySample(realtimePid, webPid);

            var lastId = posted[^1].Id;
            var latencies = new List<(DateTime PostedAt, TimeSpan Latency)>();
            foreach (var (receipt, subscription) in receipts.Zip(live))
            {
                var received = (await receipt.Until(lastId, TimeSpan.FromSeconds(10))).ToDictionary(item => item.Id, item => item.At);
                Assert.Equal(posted.Select(post => post.Id), received.Keys);
                Assert.False(subscription.Ended.IsCompleted, "a reader that keeps up was cut off");
                latencies.AddRange(posted.Select(post => (post.At, received[post.Id] - post.At)));
            }
            var baselineP99 = Durations.Percentile(latencies.Where(entry => entry.PostedAt < stallStarted).Select(entry => entry.Latency), 0.99);
            var stalledP99 = Durations.Percentile(latencies.Where(entry => entry.PostedAt >= opened).Select(entry => entry.Latency), 0.99);
            // Once the stalled streams' buffers are full (they take frames for their first seconds) and they are cut off.
            var settledP99 = Durations.Percentile(latencies.Where(entry => entry.PostedAt >= opened + CutOffWithin).Select(entry => entry.Latency), 0.99);

            Figures.Report("slow readers",
                $"{StalledCount} streams that never read, 10 msg/s of 2 KB: {stalledFor.Count} cut off, {Durations.Percentile(stalledFor, 0.5).TotalSeconds:0.0} s (p50) / {stalledFor.DefaultIfEmpty().Max().TotalSeconds:0.0} s (max) after their peer last took data; {Durations.Percentile(lasted, 0.5).TotalSeconds:0.0} s / {lasted.DefaultIfEmpty().Max().TotalSeconds:0.0} s after opening",
                $"Realtime RSS {before.RealtimeRss >> 20} MiB before, peak {peak.RealtimeRss >> 20} MiB (+{(peak.RealtimeRss - before.RealtimeRss) >> 10 >> 10} MiB, {(peak.RealtimeRss - before.RealtimeRss) / StalledCount >> 10} KiB per stalled stream), {after.RealtimeRss >> 20} MiB after",
                $"Web RSS {before.WebRss >> 20} MiB before, peak {peak.WebRss >> 20} MiB (+{(peak.WebRss - before.WebRss) >> 20} MiB, {(peak.WebRss - before.WebRss) / StalledCount >> 10} KiB per stalled stream), {after.WebRss >> 20} MiB after",
                $"kernel: bytes queued in the sockets of Realtime and the Web peak {serverQueuedPeak >> 10} KiB ({serverQueuedPeak / StalledCount >> 10} KiB per stalled stream); all TCP memory (the test's unread sockets too) {before.KernelTcp >> 20} MiB before, peak {peak.KernelTcp >> 20} MiB, {after.KernelTcp >> 20} MiB after",
                $"{LiveReaders} live readers: p99 {baselineP99.TotalMilliseconds:0} ms before, {stalledP99.TotalMilliseconds:0} ms with the stalled streams ({settledP99.TotalMilliseconds:0} ms after the first {CutOffWithin.TotalSeconds:0} s), all {posted.Count} messages each");

            Assert.Equal(StalledCount, stalledFor.Count);
            Assert.True(stalledFor.Max() <= CutOffWithin, $"a stalled stream was cut off {stalledFor.Max().TotalSeconds:0.0} s after its peer last took data");
            Assert.True(peak.RealtimeRss - before.RealtimeRss <= RealtimeGrowthBound, $"Realtime grew {(peak.RealtimeRss - before.RealtimeRss) >> 20} MiB");
            Assert.True(peak.WebRss - before.WebRss <= WebGrowthBound, $"Web grew {(peak.WebRss - before.WebRss) >> 20} MiB");
            Assert.True(serverQueuedPeak <= ServerKernelBound, $"the system's sockets held {serverQueuedPeak >> 20} MiB");
            Assert.True(after.KernelTcp - before.KernelTcp <= 8L << 20, $"kernel TCP memory kept {(after.KernelTcp - before.KernelTcp) >> 20} MiB after the cut-offs");
            Assert.True(stalledP99 <= baselineP99 * 2 + TimeSpan.FromMilliseconds(100),
                $"live p99 {stalledP99.TotalMilliseconds:0} ms with stalled streams against {baselineP99.TotalMilliseconds:0} ms before");
        }
        finally
        {
            stalled.Dispose();
            foreach (var subscription in live) await subscription.DisposeAsync();
        }
    }

    /// <summary>
    /// Realtime's lag bound counts the frames it still holds; before its flush waits it has handed on
    /// 64 KiB (Kestrel's 16 + 16, the kernel's 32): 3.2 s at 20 KB/s. Plus this test's sampling and a slack.
    /// </summary>
    private static readonly TimeSpan DirectCutOffWithin = TimeSpan.FromSeconds(10 + 3.2 + 1.5);

    [Fact]
    public async Task Streams_straight_at_Realtime_that_never_read_are_cut_off_by_its_own_lag_bound()
    {
        const int Count = 50;
        var room = await system.Api.CreateRoomAsync();
        var poster = await system.Api.AdmitAsync(room.Id);
        var tokens = await AdmitAsync(room.Id, Count);
        var realtimePid = await system.App.ServiceProcessIdAsync(TestSystem.RealtimeReplica(0), "CuteRooms.Realtime");
        var stalled = new StalledStreams(system.App.RealtimeEndpoints[0]);
        try
        {
            foreach (var token in tokens) await stalled.OpenAsync(room.Id, token);
            var posted = new List<(string Id, DateTime At)>();
            using var posting = new CancellationTokenSource();
            var posts = Task.Run(() => PostEvery100msAsync(room.Id, poster, posted, posting.Token));
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (DateTime.UtcNow < until && stalled.StalledFor().Count < Count)
            {
                await Task.Delay(500);
                stalled.Sample(realtimePid);
            }
            await posting.CancelAsync();
            await posts;
            var stalledFor = stalled.StalledFor();

            Figures.Report("slow readers straight at Realtime",
                $"{Count} HTTP/1.1 streams that never read, 10 msg/s of 2 KB: {stalledFor.Count} cut off by Realtime, {Durations.Percentile(stalledFor, 0.5).TotalSeconds:0.0} s (p50) / {stalledFor.DefaultIfEmpty().Max().TotalSeconds:0.0} s (max) after their peer last took data");
            Assert.Equal(Count, stalledFor.Count);
            Assert.True(stalledFor.Max() <= DirectCutOffWithin, $"a stalled stream was cut off {stalledFor.Max().TotalSeconds:0.0} s after its peer last took data");
        }
        finally
        {
            stalled.Dispose();
        }
    }

    private async Task<List<string>> AdmitAsync(string roomId, int count)
    {
        var tokens = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (_, _) => tokens.Add(await system.Api.AdmitAsync(roomId)));
        return [.. tokens];
    }

    private async Task PostEvery100msAsync(string roomId, string poster, List<(string Id, DateTime At)> posted, CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        var next = TimeSpan.Zero;
        while (!stop.IsCancellationRequested)
        {
            var at = DateTime.UtcNow;
            var message = await system.Api.PostAsync(roomId, poster, Text);
            lock (posted) posted.Add((message.Id, at));
            next += PostEvery;
            var wait = next - clock.Elapsed;
            if (wait > TimeSpan.Zero) await Task.Delay(wait, CancellationToken.None);
        }
    }

    /// <summary>The resident memory of Realtime and the Web, and the kernel's TCP buffers (all sockets of the machine).</summary>
    private sealed record MemorySample(long RealtimeRss, long WebRss, long KernelTcp)
    {
        public MemorySample(int realtimePid, int webPid) : this(Rss(realtimePid), Rss(webPid), TcpMemory()) { }

        public MemorySample Max(MemorySample other) =>
            new(Math.Max(RealtimeRss, other.RealtimeRss), Math.Max(WebRss, other.WebRss), Math.Max(KernelTcp, other.KernelTcp));

        private static long Rss(int pid) =>
            long.Parse(File.ReadLines($"/proc/{pid}/status").Single(line => line.StartsWith("VmRSS:", StringComparison.Ordinal))
                .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;

        /// <summary>"TCP: inuse … mem N" of /proc/net/sockstat, in pages.</summary>
        private static long TcpMemory()
        {
            var fields = File.ReadLines("/proc/net/sockstat").Single(line => line.StartsWith("TCP:", StringComparison.Ordinal))
                .Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return long.Parse(fields[Array.IndexOf(fields, "mem") + 1], CultureInfo.InvariantCulture) * Environment.SystemPageSize;
        }
    }

    /// <summary>
    /// Event streams opened and never read, each on a connection of its own. What the server does
    /// with them is read from the kernel's table of TCP connections, which needs no read of a stream:
    /// data still arriving (the socket's receive queue grows) and the connection ended (it leaves
    /// ESTABLISHED).
    /// </summary>
    private sealed class StalledStreams : IDisposable
    {
        private readonly Uri target;
        private readonly HttpClient http;
        private readonly List<HttpResponseMessage> responses = [];
        private readonly Dictionary<int, Connection> connections = [];

        private sealed class Connection(DateTime openedAt)
        {
            public DateTime OpenedAt { get; } = openedAt;
            public long Received { get; set; }
            public DateTime LastReceivedAt { get; set; } = openedAt;
            public DateTime? EndedAt { get; set; }
        }

        /// <param name="target">The Web origin, or a Realtime replica's own address.</param>
        public StalledStreams(Uri target)
        {
            this.target = target;
            http = new HttpClient(new SocketsHttpHandler { ConnectCallback = ConnectAsync }) { Timeout = Timeout.InfiniteTimeSpan };
        }

        private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                lock (connections) connections[((IPEndPoint)socket.LocalEndPoint!).Port] = new Connection(DateTime.UtcNow);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        public async Task OpenAsync(string roomId, string token)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, new Uri(target, $"realtime/rooms/{roomId}/events"));
            request.Headers.Add("Cookie", $"{AuthCookie.Name}={token}");
            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            lock (responses) responses.Add(response);
        }

        /// <summary>
        /// Notes which streams still receive data and which have ended; returns the bytes queued in
        /// the sockets of the given processes (the system's, whose kernel memory is bounded).
        /// </summary>
        public long Sample(params int[] systemPids)
        {
            var now = DateTime.UtcNow;
            var systemSockets = SocketInodes(systemPids);
            var established = new Dictionary<int, long>();
            long system = 0;
            foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
            {
                foreach (var line in File.ReadLines(table).Skip(1))
                {
                    // sl local remote st tx_queue:rx_queue tr:when retrnsmt uid timeout inode …
                    var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    var queues = fields[4].Split(':');
                    long tx = long.Parse(queues[0], NumberStyles.HexNumber), rx = long.Parse(queues[1], NumberStyles.HexNumber);
                    if (systemSockets.Contains(fields[9])) system += tx + rx;
                    else if (fields[3] == Established && Port(fields[2]) == target.Port) established[Port(fields[1])] = rx;
                }
            }
            lock (connections)
            {
                foreach (var (port, connection) in connections)
                {
                    if (connection.EndedAt is not null) continue;
                    if (!established.TryGetValue(port, out var received)) connection.EndedAt = now;
                    else if (received != connection.Received)
                    {
                        connection.Received = received;
                        connection.LastReceivedAt = now;
                    }
                }
            }
            return system;
        }

        /// <summary>The inodes of the processes' sockets (their <c>/proc/{pid}/fd</c> links read <c>socket:[inode]</c>).</summary>
        private static HashSet<string> SocketInodes(int[] pids)
        {
            var inodes = new HashSet<string>();
            foreach (var pid in pids)
            {
                foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
                {
                    try
                    {
                        if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal))
                            inodes.Add(target["socket:[".Length..^1]);
                    }
                    catch (IOException)
                    {
                        // Closed meanwhile.
                    }
                }
            }
            return inodes;
        }

        private const string Established = "01";

        /// <summary>For each ended stream, how long after its peer last took data the server ended it.</summary>
        public List<TimeSpan> StalledFor()
        {
            lock (connections) return [.. connections.Values.Where(c => c.EndedAt is not null).Select(c => c.EndedAt!.Value - c.LastReceivedAt)];
        }

        /// <summary>For each ended stream, how long it lasted from its connection's opening.</summary>
        public List<TimeSpan> Lasted()
        {
            lock (connections) return [.. connections.Values.Where(c => c.EndedAt is not null).Select(c => c.EndedAt!.Value - c.OpenedAt)];
        }

        private static int Port(string address) => int.Parse(address[(address.LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);

        public void Dispose()
        {
            lock (responses)
            {
                foreach (var response in responses) response.Dispose();
                responses.Clear();
            }
            http.Dispose();
        }
    }
}
