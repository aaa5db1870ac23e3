using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Keeps a service's connections under its open-file limit, with room for what it opens itself (its
/// pools to the other services, Redis, RabbitMQ, files). At the limit no socket can be opened for
/// anything: the Web's forwards to the Api failed, then the runtime gave up ("Out of memory.") and the
/// Web ended with every stream it held (19,000 streams on a 20,000-file limit). Past the cap Kestrel
/// closes a new connection at once; a browser's EventSource tries again, the connections held stay up.
/// <c>Kestrel:Limits:MaxConcurrentConnections</c>, when configured, is the cap instead.
/// </summary>
public static class ConnectionCap
{
    /// <summary>What a service keeps for its own files: the Web held about 850 besides 19,000 browser streams.</summary>
    public const int ReservedFiles = 1_000;

    public static TBuilder AddConnectionCap<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // After the configuration's Kestrel:Limits are bound, so a configured cap wins.
        builder.Services.PostConfigure<KestrelServerOptions>(kestrel =>
            kestrel.Limits.MaxConcurrentConnections ??= FromOpenFileLimit(OpenFileLimit()));
        return builder;
    }

    /// <summary>The limit less <see cref="ReservedFiles"/>, or none when the limit is unknown or leaves no room.</summary>
    public static long? FromOpenFileLimit(long? openFileLimit) =>
        openFileLimit is { } limit && limit > 2L * ReservedFiles ? limit - ReservedFiles : null;

    /// <summary>The soft limit on open files (the runtime raises it to the hard limit at start); null off Linux or when unlimited.</summary>
    public static long? OpenFileLimit()
    {
        try
        {
            return File.Exists(ProcLimits) ? OpenFileLimitFrom(File.ReadAllLines(ProcLimits)) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>From the lines of <c>/proc/self/limits</c>: "Max open files   20000   20000   files".</summary>
    public static long? OpenFileLimitFrom(IEnumerable<string> limits) =>
        limits.FirstOrDefault(line => line.StartsWith(OpenFilesLine, StringComparison.Ordinal)) is { } line
        && long.TryParse(line[OpenFilesLine.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(), out var soft)
            ? soft
            : null; // "unlimited", or no such line

    private const string ProcLimits = "/proc/self/limits";
    private const string OpenFilesLine = "Max open files";
}
