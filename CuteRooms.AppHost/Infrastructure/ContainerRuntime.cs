using System.Diagnostics;

namespace CuteRooms.AppHost.Infrastructure;

/// <summary>
/// Whether Aspire's container resources can run here. Without an engine behind the CLI they wait at
/// "Runtime unhealthy" forever and everything that waits for them with them, so ask first:
/// <c>docker info</c> (or the configured runtime) fails in a fraction of a second when no daemon runs.
/// </summary>
internal static class ContainerRuntime
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);
    private static bool? healthy;

    public static bool IsHealthy(IConfiguration configuration) =>
        healthy ??= Answers(configuration["DcpPublisher:ContainerRuntime"] ?? configuration["ASPIRE_CONTAINER_RUNTIME"] ?? "docker");

    private static bool Answers(string cli)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(cli, "info")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return false;
            }
            // Drained so that a chatty CLI cannot block on a full pipe.
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(ProbeTimeout))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // not installed
        }
    }
}
