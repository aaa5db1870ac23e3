using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CuteRooms.Tests;

namespace CuteRooms.Bench.SideBySide;

/// <summary>
/// One command, one load generator (the peers' <c>loadgen</c>), three targets measured in turn in the
/// same run: the bare Kestrel SSE broadcaster (<c>sse-ceiling</c>, the machine's ceiling), CuteRooms
/// through the Web origin, and CuteRooms with the streams straight at a Realtime replica. Prints each
/// one's latency and every process's CPU per delivery, and CuteRooms' p99 as a ratio of the ceiling's
/// in the same repetition. Bounded (at most 50,000 subscribers and 120 s of posting per target), loopback only.
/// </summary>
public sealed class SideBySideRun(SideBySideOptions options)
{
    private readonly List<Measurement> measurements = [];

    public async Task<int> ExecuteAsync()
    {
        var peers = await PeerBuild.PrepareAsync(options.Peers);
        await using var ceiling = await CeilingPeer.StartAsync(peers);
        Console.WriteLine($"Starting CuteRooms from the AppHost ({options.RealtimeReplicas} Realtime replica(s))…");
        await using var system = await BenchSystem.StartAsync(options.RealtimeReplicas, options.AppHostSettings);
        var realtime = system.RealtimeHttpEndpoints()[0];
        // The machine's RabbitMQ and Redis (redis-server rewrites its command line into "path address").
        var machine = ProcessTable.Snapshot();
        var rabbit = machine.FirstOrDefault(p => p.CommandLine.Split(' ')[0].EndsWith("beam.smp", StringComparison.Ordinal))?.Pid ?? 0;
        var redis = machine.FirstOrDefault(p => p.CommandLine.Contains("redis-server", StringComparison.Ordinal) && p.CommandLine.Contains(":6379", StringComparison.Ordinal))?.Pid ?? 0;

        List<WatchedProcess> cuteRooms =
        [
            new("web", system.WebPid), new("api", system.ApiPid),
            .. system.RealtimePids.Select((pid, index) => new WatchedProcess($"realtime-{index}", pid)),
            .. redis > 0 ? [new WatchedProcess("redis", redis)] : Array.Empty<WatchedProcess>(),
            .. rabbit > 0 ? [new WatchedProcess("rabbitmq", rabbit)] : Array.Empty<WatchedProcess>(),
        ];

        for (var repetition = 1; repetition <= options.Repeat; repetition++)
        {
            foreach (var target in options.Targets)
            {
                var measurement = target switch
                {
                    "ceiling" => await MeasureAsync(repetition, target, peers,
                        ["--target", ceiling.Address.ToString(), "--mode", "sse", "--server-pid", ceiling.Pid.ToString(CultureInfo.InvariantCulture)],
                        [new WatchedProcess("ceiling", ceiling.Pid)]),
                    "web" => await MeasureAsync(repetition, target, peers,
                        ["--target", system.Web.ToString(), "--mode", "cuterooms", "--room", $"side-by-side {repetition}",
                            "--server-pid", system.WebPid.ToString(CultureInfo.InvariantCulture)],
                        cuteRooms),
                    "realtime" => await MeasureAsync(repetition, target, peers,
                        ["--target", system.Web.ToString(), "--mode", "cuterooms", "--sse-target", realtime.ToString(), "--room", $"side-by-side {repetition}",
                            "--server-pid", system.RealtimePids[0].ToString(CultureInfo.InvariantCulture)],
                        cuteRooms),
                    _ => throw new ArgumentException($"unknown target {target}"),
                };
                measurements.Add(measurement);
                Console.WriteLine(measurement.Summary());
            }
        }

        Console.WriteLine();
        Console.WriteLine(Report());
        return measurements.Any(m => m.Lost != 0 || m.Received == 0) ? 1 : 0;
    }

    private async Task<Measurement> MeasureAsync(int repetition, string target, PeerBuild peers, string[] arguments, IReadOnlyList<WatchedProcess> servers)
    {
        Console.WriteLine($"[{repetition}] {target}: {options.Subscribers} subscribers × {options.Rate} msg/s × {options.Seconds} s…");
        // Server CPU is read from when the loadgen has connected every subscriber to its end: the posting
        // (its 2 s warm-up included, counted as deliveries below), the drain and the close.
        Dictionary<string, double>? cpuBefore = null;
        long segmentsBefore = 0;
        var start = Stopwatch.GetTimestamp();
        var result = await peers.RunLoadgenAsync(
        [
            .. arguments, "--peer", target,
            "--subscribers", options.Subscribers.ToString(CultureInfo.InvariantCulture),
            "--rate", options.Rate.ToString(CultureInfo.InvariantCulture),
            "--duration", options.Seconds.ToString(CultureInfo.InvariantCulture),
            "--payload", options.Payload.ToString(CultureInfo.InvariantCulture),
            "--warmup", options.Warmup.ToString(CultureInfo.InvariantCulture),
        ],
        onConnected: () =>
        {
            cpuBefore = servers.ToDictionary(s => s.Name, s => s.CpuSeconds());
            segmentsBefore = TcpOutSegments();
        });
        var elapsed = Stopwatch.GetElapsedTime(start);
        var segments = TcpOutSegments() - segmentsBefore;
        var cpu = servers.ToDictionary(s => s.Name, s => s.CpuSeconds() - (cpuBefore?[s.Name] ?? double.NaN));
        cpu["loadgen"] = result["client_cpu_s"]?.GetValue<double>() ?? double.NaN; // its posting and drain
        var connected = result["connected"]?.GetValue<long>() ?? 0;
        var warmupDeliveries = (long)(options.Rate * options.Warmup) * connected;
        return new Measurement(repetition, target, result, cpu, segments, warmupDeliveries, elapsed);
    }

    private static long TcpOutSegments()
    {
        // /proc/net/snmp: a "Tcp:" header line, then a "Tcp:" values line.
        var lines = File.ReadAllLines("/proc/net/snmp").Where(l => l.StartsWith("Tcp:", StringComparison.Ordinal)).ToArray();
        var names = lines[0].Split(' ');
        var values = lines[1].Split(' ');
        return long.Parse(values[Array.IndexOf(names, "OutSegs")], CultureInfo.InvariantCulture);
    }

    private string Report()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Side by side: {options.Subscribers} subscribers of one room × {options.Rate} msg/s × {options.Seconds} s after {options.Warmup} s of warm-up, payload {options.Payload} B, {options.Repeat} repetition(s)");
        text.AppendLine("| run | target | delivered / expected | lost | p50 ms | p99 ms | max ms | p99 ÷ ceiling | CPU µs per delivery (process: µs) | TCP segments per delivery |");
        text.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var m in measurements)
        {
            var ceiling = measurements.FirstOrDefault(c => c.Repetition == m.Repetition && c.Target == "ceiling");
            var ratio = ceiling is null || m.Target == "ceiling" ? "" : (m.P99 / ceiling.P99).ToString("F2", CultureInfo.InvariantCulture);
            var processes = m.Cpu.Keys.Where(name => !double.IsNaN(m.Cpu[name])).ToList();
            var cpu = string.Join(", ", processes.Select(name => $"{name} {m.CpuPerDelivery(name):F1}"));
            var total = processes.Sum(m.CpuPerDelivery);
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {m.Repetition} | {m.Target} | {m.Received:N0} / {m.Expected:N0} | {m.Lost} | {m.P50:F1} | {m.P99:F1} | {m.Max:F1} | {ratio} | total {total:F1}: {cpu} | {m.SegmentsPerDelivery:F2} |");
        }
        foreach (var target in options.Targets.Where(t => t != "ceiling"))
        {
            var ratios = measurements.Where(m => m.Target == target)
                .Select(m => (m, ceiling: measurements.FirstOrDefault(c => c.Repetition == m.Repetition && c.Target == "ceiling")))
                .Where(pair => pair.ceiling is not null)
                .Select(pair => (pair.m.P99 / pair.ceiling!.P99).ToString("F2", CultureInfo.InvariantCulture)).ToList();
            if (ratios.Count > 0) text.AppendLine(CultureInfo.InvariantCulture, $"{target}: p99 ÷ ceiling's p99 = {string.Join(", ", ratios)}");
        }
        return text.ToString();
    }

    private sealed record Measurement(
        int Repetition, string Target, JsonObject Result, Dictionary<string, double> Cpu, long Segments, long WarmupDeliveries, TimeSpan Elapsed)
    {
        /// <summary>CPU µs per delivery: the servers' over the warm-up and the measured posting, the loadgen's over the latter.</summary>
        public double CpuPerDelivery(string process) =>
            Cpu[process] / Math.Max(1, process == "loadgen" ? Received : Received + WarmupDeliveries) * 1e6;

        public double SegmentsPerDelivery => Segments / (double)Math.Max(1, Received + WarmupDeliveries);

        public long Expected => Result["deliveries_expected"]?.GetValue<long>() ?? 0;
        public long Received => Result["deliveries_received"]?.GetValue<long>() ?? 0;
        public long Lost => Result["deliveries_lost"]?.GetValue<long>() ?? 0;
        public double P50 => Latency("p50");
        public double P99 => Latency("p99");
        public double Max => Latency("max");

        private double Latency(string name) => Result["latency_ms"]?[name]?.GetValue<double?>() ?? double.NaN;

        public string Summary() => $"  delivered {Received:N0}/{Expected:N0}, lost {Lost}, p50 {P50:F1} ms, p99 {P99:F1} ms, max {Max:F1} ms ({Elapsed.TotalSeconds:F0} s)";
    }
}

/// <summary>The peers built from a copy (their folder is read-only where it is mounted).</summary>
public sealed class PeerBuild(string root)
{
    public string Ceiling => Path.Combine(root, "sse-ceiling", "bin", "Release", "net10.0", "sse-ceiling.dll");
    public string Loadgen => Path.Combine(root, "loadgen", "bin", "Release", "net10.0", "loadgen.dll");

    public static async Task<PeerBuild> PrepareAsync(string peers)
    {
        if (!Directory.Exists(Path.Combine(peers, "loadgen")) || !Directory.Exists(Path.Combine(peers, "sse-ceiling")))
            throw new ArgumentException($"No peers at {peers} (sse-ceiling/ and loadgen/); pass --peers DIR.");
        var root = Path.Combine(Path.GetTempPath(), "cuterooms-peers");
        Console.WriteLine($"Building the peers from a copy in {root} (Release)…");
        foreach (var project in new[] { "sse-ceiling", "loadgen" })
        {
            var copy = Path.Combine(root, project);
            CopyDirectory(Path.Combine(peers, project), copy);
            await RunAsync("dotnet", ["build", "-c", "Release", "-v", "quiet", "-nologo", copy]);
        }
        return new PeerBuild(root);
    }

    /// <summary>Runs the load generator to its end and returns its JSON result line.</summary>
    public async Task<JsonObject> RunLoadgenAsync(string[] arguments, Action onConnected)
    {
        var output = await RunAsync("dotnet", [Loadgen, .. arguments], echoErrors: true,
            onError: line => { if (line.StartsWith("connected ", StringComparison.Ordinal)) onConnected(); });
        var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(l => l.StartsWith('{'))
            ?? throw new InvalidOperationException("The load generator printed no result.");
        return JsonNode.Parse(line)!.AsObject();
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative.Split(Path.DirectorySeparatorChar)[0] is "bin" or "obj") continue;
            var destination = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination, overwrite: true);
        }
    }

    private static async Task<string> RunAsync(string file, string[] arguments, bool echoErrors = false, Action<string>? onError = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start.");
        var errors = new StringBuilder();
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is null) return;
            lock (errors) errors.AppendLine(line.Data);
            onError?.Invoke(line.Data);
            if (echoErrors) Console.WriteLine("    " + line.Data);
        };
        process.BeginErrorReadLine();
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0 && !output.Contains('{'))
        {
            lock (errors) throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}):\n{output}\n{errors}");
        }
        return output;
    }
}

/// <summary>The ceiling peer, listening on a free loopback port until disposed.</summary>
public sealed class CeilingPeer : IAsyncDisposable
{
    private readonly Process process;

    private CeilingPeer(Process process, Uri address)
    {
        this.process = process;
        Address = address;
    }

    public Uri Address { get; }
    public int Pid => process.Id;

    public static async Task<CeilingPeer> StartAsync(PeerBuild peers)
    {
        var port = LoopbackPorts.Free();
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(peers.Ceiling);
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        var process = Process.Start(start) ?? throw new InvalidOperationException("The ceiling peer did not start.");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var address = new Uri($"http://127.0.0.1:{port}/");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                using var _ = await http.GetAsync(address); // 404: it is up
                return new CeilingPeer(process, address);
            }
            catch (HttpRequestException)
            {
                await Task.Delay(200);
            }
        }
        process.Kill();
        throw new TimeoutException("The ceiling peer did not answer within 20 s.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }
}
