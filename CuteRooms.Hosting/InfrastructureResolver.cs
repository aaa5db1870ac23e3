using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;

namespace CuteRooms.Hosting;

internal enum InfrastructureSource
{
    /// <summary><c>ConnectionStrings:{name}</c> was given: used as is, never started or stopped.</summary>
    ConnectionString,
    /// <summary>A server already listens on 127.0.0.1 at the local port: reused, never stopped.</summary>
    LocalPort,
    /// <summary>The server binary is on PATH: started as our child on a free port.</summary>
    Binary,
    /// <summary>A container CLI answers: <c>cli run --rm</c> as our child on a free port.</summary>
    Container,
}

/// <summary>The outcome of resolving one resource; <see cref="Executable"/> is set for Binary and Container.</summary>
internal sealed record InfrastructureResolution(
    InfrastructureResource Resource,
    InfrastructureSource Source,
    string? ConnectionString,
    int LocalPort,
    string? Executable);

/// <summary>
/// Finds Redis and RabbitMQ, in order: a connection string in configuration; a server listening on the
/// local port; the binary on PATH; a container CLI that answers; otherwise
/// <see cref="MissingInfrastructureException"/>. Pure apart from probing the port and the CLI, so tests
/// drive it with their own configuration, PATH and real listeners.
/// </summary>
internal sealed class InfrastructureResolver(IConfiguration? configuration, string? path, bool? isRoot = null)
{
    /// <summary>Where the Debian package keeps the server script that runs as the calling user.</summary>
    internal const string RabbitMqLibScript = "/usr/lib/rabbitmq/bin/rabbitmq-server";

    private static readonly TimeSpan ContainerProbeTimeout = TimeSpan.FromSeconds(5);
    private readonly bool _isRoot = isRoot ?? Environment.UserName == "root";

    public int LocalPort(InfrastructureResource resource) =>
        int.TryParse(configuration?[$"Resources:{resource.Name}:LocalPort"], out var port) && port is > 0 and < 65536
            ? port
            : resource.DefaultLocalPort;

    public async Task<InfrastructureResolution> ResolveAsync(InfrastructureResource resource, CancellationToken cancellationToken = default)
    {
        var localPort = LocalPort(resource);

        var connectionString = configuration?.GetConnectionString(resource.Name);
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return new(resource, InfrastructureSource.ConnectionString, connectionString, localPort, null);
        }

        if (await IsListeningAsync(localPort, cancellationToken))
        {
            return new(resource, InfrastructureSource.LocalPort, resource.ConnectionStringForPort(localPort), localPort, null);
        }

        var binary = FindOnPath(resource.BinaryName, path);
        if (binary is not null)
        {
            // The /usr/sbin wrapper switches to the rabbitmq user, which cannot write our root-owned
            // temp directory; as root, run the script behind it directly.
            if (resource == InfrastructureResource.Messaging && _isRoot && File.Exists(RabbitMqLibScript))
            {
                binary = RabbitMqLibScript;
            }
            return new(resource, InfrastructureSource.Binary, null, localPort, binary);
        }

        foreach (var cli in new[] { "docker", "podman" })
        {
            var cliPath = FindOnPath(cli, path);
            if (cliPath is not null && await AnswersInfoAsync(cliPath, cancellationToken))
            {
                return new(resource, InfrastructureSource.Container, null, localPort, cliPath);
            }
        }

        throw new MissingInfrastructureException(resource.Name, resource.MissingMessage(localPort));
    }

    internal static async Task<bool> IsListeningAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(1));
        try
        {
            await client.ConnectAsync("127.0.0.1", port, timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    internal static string? FindOnPath(string fileName, string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, fileName);
            if (File.Exists(candidate) && IsExecutable(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    private static bool IsExecutable(string file) =>
        OperatingSystem.IsWindows()
        || (File.GetUnixFileMode(file) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;

    /// <summary><c>cli info</c> exits 0 within a few seconds: the engine behind the CLI is up.</summary>
    private static async Task<bool> AnswersInfoAsync(string cli, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(cli, "info")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
        // Drain output so a chatty CLI cannot block on a full pipe.
        _ = process.StandardOutput.ReadToEndAsync(cancellationToken);
        _ = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ContainerProbeTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
            return process.ExitCode == 0;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            return false;
        }
    }
}
