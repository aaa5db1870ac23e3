using System.Globalization;

namespace CuteRooms.Bench.SideBySide;

/// <summary>What <c>side-by-side</c> measures; every run is bounded by its counts and durations.</summary>
public sealed record SideBySideOptions(
    int Subscribers, double Rate, double Seconds, int Payload, int Repeat, string[] Targets, string Peers, int RealtimeReplicas, double Warmup, string[] AppHostSettings)
{
    public const string Usage = """
        CuteRooms.Bench side-by-side [--subscribers 1000] [--rate 100] [--seconds 15] [--payload 128] [--repeat 2] [--warmup 30]
                                     [--targets ceiling,web,realtime] [--peers ../shared/peers] [--realtime-replicas 1]
                                     [--apphost-setting KEY=VALUE]…
        """;

    public static SideBySideOptions Parse(string[] args, string repositoryRoot)
    {
        string? Value(string name)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
        }
        double Number(string name, double fallback) => Value(name) is { } text ? double.Parse(text, CultureInfo.InvariantCulture) : fallback;

        var options = new SideBySideOptions(
            Subscribers: (int)Number("--subscribers", 1000),
            Rate: Number("--rate", 100),
            Seconds: Number("--seconds", 15),
            Payload: (int)Number("--payload", 128),
            Repeat: (int)Number("--repeat", 2),
            Targets: (Value("--targets") ?? "ceiling,web,realtime").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            Peers: Path.GetFullPath(Value("--peers") ?? Path.Combine(repositoryRoot, "..", "shared", "peers")),
            RealtimeReplicas: (int)Number("--realtime-replicas", 1),
            // Unmeasured posting before each measurement, at the same rate: a fresh process's first
            // seconds (JIT tiers, pools, HTTP/2 windows) would otherwise count against whoever is measured first.
            Warmup: Number("--warmup", 30),
            AppHostSettings: BenchSystem.SettingsFrom(args));
        if (options.Subscribers is < 1 or > 50_000 || options.Seconds is <= 0 or > 120 || options.Repeat is < 1 or > 5 || options.Rate is <= 0 or > 10_000 || options.Warmup is < 0 or > 60)
            throw new ArgumentException("need 1 ≤ --subscribers ≤ 50,000, 0 < --seconds ≤ 120, 1 ≤ --repeat ≤ 5 and 0 < --rate ≤ 10,000 and 0 ≤ --warmup ≤ 60");
        if (options.Targets.Except(["ceiling", "web", "realtime"]).FirstOrDefault() is { } unknown)
            throw new ArgumentException($"unknown target {unknown}: the targets are ceiling, web and realtime");
        return options;
    }
}
