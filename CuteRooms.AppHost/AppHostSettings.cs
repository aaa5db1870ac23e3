using CuteRooms.Hosting;
using Microsoft.Extensions.Configuration;

namespace CuteRooms.AppHost;

/// <summary>The command line (<c>--port</c>, <c>--realtime-replicas</c>) and the configuration (env + command line).</summary>
internal sealed record AppHostSettings(int Port, int RealtimeReplicas, IConfiguration Configuration, string? Error)
{
    public const string Help = "help";

    public const string Usage =
        "usage: CuteRooms.AppHost [--port N (8080)] [--realtime-replicas N (1)] "
        + "[--ConnectionStrings:redis=…] [--ConnectionStrings:messaging=…] [--Resources:redis:LocalPort=N] …";

    public static AppHostSettings Parse(string[] args)
    {
        int port = 8080, replicas = 1;
        var rest = new List<string>();
        string? error = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--port":
                    if (!TryInt(args, ++i, 0, 65535, out port)) error = "--port needs a number from 0 to 65535";
                    break;
                case "--realtime-replicas":
                    if (!TryInt(args, ++i, 1, 64, out replicas)) error = "--realtime-replicas needs a number from 1 to 64";
                    break;
                case "-h" or "--help":
                    error = Help;
                    break;
                default:
                    rest.Add(args[i]);
                    break;
            }
        }

        var configuration = new ConfigurationBuilder()
            .AddEnvironmentVariables()
            .AddCommandLine([.. rest])
            .Build();
        return new(port, replicas, configuration, error);
    }

    public DistributedAppOptions ToOptions(TextWriter log) => new()
    {
        WebPort = Port,
        RealtimeReplicas = RealtimeReplicas,
        Configuration = Configuration,
        EnvironmentName = Configuration["DOTNET_ENVIRONMENT"] ?? Configuration["ASPNETCORE_ENVIRONMENT"] ?? "Development",
        Log = log,
    };

    private static bool TryInt(string[] args, int index, int min, int max, out int value) =>
        int.TryParse(index < args.Length ? args[index] : null, out value) && value >= min && value <= max;
}
