using System.Globalization;

namespace CuteRooms.AppHost;

/// <summary>
/// What the AppHost is asked to run, from the <c>CuteRooms</c> configuration section (environment
/// <c>CuteRooms__WebPort</c>, command line <c>--CuteRooms:WebPort=…</c>, or the short switches
/// <c>--port</c>, <c>--realtime-replicas</c>, <c>--api-replicas</c> and <c>--web-replicas</c>).
/// </summary>
/// <param name="UseContainers">
/// Whether Redis and RabbitMQ run as Aspire's containers: null asks the container runtime; false keeps
/// to a connection string or the binaries on PATH even where a runtime answers (the AppHost tests do).
/// </param>
/// <param name="ResourceSettings">Per service (<c>api</c>, <c>realtime</c>, <c>web</c>) or replica (<c>web-1</c>): settings for it alone, after <paramref name="ServiceSettings"/>.</param>
internal sealed record AppHostOptions(
    int? WebPort, int RealtimeReplicas, bool? UseContainers, IReadOnlyDictionary<string, string> ServiceSettings,
    int ApiReplicas = AppHostOptions.DefaultApiReplicas, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? ResourceSettings = null,
    int WebReplicas = AppHostOptions.DefaultWebReplicas)
{
    public const string SectionName = "CuteRooms";
    public const int DefaultWebPort = 8080;
    public const int DefaultRealtimeReplicas = 2;
    public const int DefaultApiReplicas = 1;
    public const int DefaultWebReplicas = 1;

    /// <summary>Keys under <c>CuteRooms:ServiceSettings</c> reach every service as its own configuration (tests pass timings and limits this way).</summary>
    public const string ServiceSettingsSection = "ServiceSettings";

    /// <summary>Keys under <c>CuteRooms:ResourceSettings:{service}</c> reach that service only (the Web's trusted proxies, say).</summary>
    public const string ResourceSettingsSection = "ResourceSettings";

    /// <summary>
    /// Every setting one resource gets, as environment variable names: those of all services, of its
    /// service, then of the resource itself (a replica such as <c>web-1</c>, when it is named apart).
    /// </summary>
    public IEnumerable<KeyValuePair<string, string>> SettingsFor(string service, string? resource = null) =>
        ServiceSettings
            .Concat(ResourceSettings?.GetValueOrDefault(service) ?? new Dictionary<string, string>())
            .Concat(resource is not null && resource != service ? ResourceSettings?.GetValueOrDefault(resource) ?? new Dictionary<string, string>() : []);

    private static readonly Dictionary<string, string> ShortSwitches = new(StringComparer.Ordinal)
    {
        ["--port"] = $"--{SectionName}:WebPort",
        ["--realtime-replicas"] = $"--{SectionName}:RealtimeReplicas",
        ["--api-replicas"] = $"--{SectionName}:ApiReplicas",
        ["--web-replicas"] = $"--{SectionName}:WebReplicas",
    };

    /// <summary>
    /// Rewrites the short switches into configuration keys before Aspire reads the command line;
    /// a bare <c>port</c> key would also pick up a <c>PORT</c> environment variable meant for someone else.
    /// </summary>
    public static string[] ExpandSwitches(string[] args) =>
        [.. args.Select(arg => ShortSwitches.TryGetValue(arg.Split('=', 2)[0], out var key)
            ? key + (arg.Contains('=') ? arg[arg.IndexOf('=')..] : "")
            : arg)];

    public static AppHostOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var port = Number(section["WebPort"], DefaultWebPort, 0, 65_535, "--port needs a number from 0 (any free port) to 65535");
        var replicas = Number(section["RealtimeReplicas"], DefaultRealtimeReplicas, 1, 16, "--realtime-replicas needs a number from 1 to 16");

        var apiReplicas = Number(section["ApiReplicas"], DefaultApiReplicas, 1, 16, "--api-replicas needs a number from 1 to 16");
        var webReplicas = Number(section["WebReplicas"], DefaultWebReplicas, 1, 16, "--web-replicas needs a number from 1 to 16");
        var settings = EnvironmentOf(section.GetSection(ServiceSettingsSection));
        var resourceSettings = section.GetSection(ResourceSettingsSection).GetChildren()
            .ToDictionary(service => service.Key, service => (IReadOnlyDictionary<string, string>)EnvironmentOf(service), StringComparer.OrdinalIgnoreCase);

        var useContainers = section["UseContainers"] switch
        {
            null or "" => (bool?)null,
            var text when bool.TryParse(text, out var value) => value,
            var text => throw new AppHostSetupException($"CuteRooms:UseContainers is true or false (got '{text}')."),
        };

        return new(port == 0 ? null : port, replicas, useContainers, settings, apiReplicas, resourceSettings, webReplicas);
    }

    private static Dictionary<string, string> EnvironmentOf(IConfigurationSection section) =>
        section.AsEnumerable(makePathsRelative: true)
            .Where(setting => setting.Value is not null)
            .ToDictionary(setting => setting.Key.Replace(":", "__", StringComparison.Ordinal), setting => setting.Value!);

    private static int Number(string? text, int fallback, int min, int max, string problem)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new AppHostSetupException($"{problem} (got '{text}').");
    }
}

/// <summary>The AppHost cannot start as configured; the message is one line fit to print as is.</summary>
internal sealed class AppHostSetupException(string message) : Exception(message);
