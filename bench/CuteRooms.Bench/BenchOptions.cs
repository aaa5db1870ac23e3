namespace CuteRooms.Bench;

/// <summary>What to measure; every run is bounded by its counts and its duration and stops by itself.</summary>
public sealed record BenchOptions(
    int Subscribers,
    double MessagesPerSecond,
    TimeSpan Duration,
    int RealtimeReplicas,
    Uri? Web,
    int? RealtimePid,
    int ConnectConcurrency,
    int Rooms,
    string[] AppHostSettings)
{
    public static BenchOptions Parse(string[] args)
    {
        string? Value(string name)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
        }

        var web = Value("--web");
        if (web is not null && !Uri.TryCreate(web, UriKind.Absolute, out _))
            throw new ArgumentException("--web takes an absolute URL such as http://127.0.0.1:8080/");
        if (web is not null && !IsLoopback(new Uri(web)))
            throw new ArgumentException("--web must be a loopback address: load stays on this machine.");

        return new BenchOptions(
            Subscribers: int.Parse(Value("--subscribers") ?? "1000"),
            MessagesPerSecond: double.Parse(Value("--rate") ?? "100", System.Globalization.CultureInfo.InvariantCulture),
            Duration: TimeSpan.FromSeconds(Math.Min(600, double.Parse(Value("--seconds") ?? "30", System.Globalization.CultureInfo.InvariantCulture))),
            RealtimeReplicas: int.Parse(Value("--realtime-replicas") ?? "1"),
            Web: web is null ? null : new Uri(web),
            RealtimePid: Value("--realtime-pid") is { } pid ? int.Parse(pid) : null,
            ConnectConcurrency: int.Parse(Value("--connect-concurrency") ?? "64"),
            Rooms: Math.Max(1, int.Parse(Value("--rooms") ?? "1")),
            AppHostSettings: BenchSystem.SettingsFrom(args));
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (System.Net.IPAddress.TryParse(uri.Host, out var address) && System.Net.IPAddress.IsLoopback(address));
}
