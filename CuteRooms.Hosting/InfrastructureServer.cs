using System.Diagnostics;

namespace CuteRooms.Hosting;

/// <summary>
/// A resolved Redis or RabbitMQ made ready: for a child (binary or container) it is started on a free
/// port with its own temp directory and waited for; a reused local server is probed; a connection string
/// from configuration is taken as is (the services' <c>/health</c> will say if it is wrong).
/// </summary>
internal sealed class InfrastructureServer : IAsyncDisposable
{
    private readonly string? _dataDirectory;

    private InfrastructureServer(InfrastructureResolution resolution, string connectionString, int? port, ChildProcess? process, string? dataDirectory, string? containerName)
    {
        Resolution = resolution;
        ConnectionString = connectionString;
        Port = port;
        Process = process;
        _dataDirectory = dataDirectory;
        ContainerName = containerName;
    }

    public InfrastructureResolution Resolution { get; }
    public InfrastructureResource Resource => Resolution.Resource;
    public string ConnectionString { get; }
    public int? Port { get; }

    /// <summary>The child we started; null when reused or external (then we never stop it).</summary>
    public ChildProcess? Process { get; }
    public string? ContainerName { get; }

    public string Source => Resolution.Source switch
    {
        InfrastructureSource.ConnectionString => "connection string",
        InfrastructureSource.LocalPort => "local port",
        InfrastructureSource.Binary => "child process",
        _ => "container",
    };

    public static async Task<InfrastructureServer> StartAsync(InfrastructureResolution resolution, LogSink log, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var resource = resolution.Resource;
        switch (resolution.Source)
        {
            case InfrastructureSource.ConnectionString:
                return new(resolution, resolution.ConnectionString!, null, null, null, null);

            case InfrastructureSource.LocalPort:
                var reused = new InfrastructureServer(resolution, resolution.ConnectionString!, resolution.LocalPort, null, null, null);
                await reused.WaitReadyAsync(timeout, cancellationToken);
                return reused;
        }

        // A port handed out here is free until the server binds it, unless another process takes it
        // first (systems booted side by side); then the server fails to bind and starts again elsewhere.
        for (var attempt = 1; ; attempt++)
        {
            var server = StartChild(resolution, log);
            try
            {
                await server.WaitReadyAsync(timeout, cancellationToken);
                return server;
            }
            catch (DistributedAppException) when (attempt < 3 && server.Process is { HasExited: true } process && process.FoundPortTaken())
            {
                await server.DisposeAsync();
                log.Write(resource.Name, $"(apphost) 127.0.0.1:{server.Port} was taken by another process; starting again on another port");
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }
    }

    private static InfrastructureServer StartChild(InfrastructureResolution resolution, LogSink log)
    {
        var resource = resolution.Resource;
        var port = FreePort.Next();
        var dataDirectory = Directory.CreateTempSubdirectory($"cuterooms-{resource.Name}-").FullName;
        string? containerName = null;
        ChildProcess process;
        if (resolution.Source == InfrastructureSource.Binary)
        {
            var (arguments, environment) = resource == InfrastructureResource.Redis
                ? RedisCommand(port, dataDirectory)
                : RabbitMqCommand(port, dataDirectory);
            process = ChildProcess.Start(resource.Name, resolution.Executable!, arguments, dataDirectory, environment, log);
        }
        else
        {
            containerName = $"cuterooms-{resource.Name}-{Guid.NewGuid():N}"[..32];
            string[] arguments = ["run", "--rm", "--name", containerName, "-p", $"127.0.0.1:{port}:{resource.ContainerPort}", resource.ContainerImage];
            process = ChildProcess.Start(resource.Name, resolution.Executable!, arguments, dataDirectory, [], log);
        }

        log.Write(resource.Name, $"(apphost) pid {process.Pid}: {Path.GetFileName(resolution.Executable)} on 127.0.0.1:{port}, data in {dataDirectory}");
        return new InfrastructureServer(resolution, resource.ConnectionStringForPort(port), port, process, dataDirectory, containerName);
    }

    internal static (string[] Arguments, KeyValuePair<string, string>[] Environment) RedisCommand(int port, string dataDirectory) =>
        (["--bind", "127.0.0.1", "--port", port.ToString(), "--save", "", "--appendonly", "no", "--dir", dataDirectory], []);

    internal static (string[] Arguments, KeyValuePair<string, string>[] Environment) RabbitMqCommand(int port, string dataDirectory)
    {
        var pluginsFile = Path.Combine(dataDirectory, "enabled_plugins");
        File.WriteAllText(pluginsFile, "[].");
        var node = $"cuterooms-{Guid.NewGuid():N}"[..20];
        return ([],
        [
            new("RABBITMQ_NODENAME", $"{node}@localhost"),
            new("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1"),
            new("RABBITMQ_NODE_PORT", port.ToString()),
            new("RABBITMQ_DIST_PORT", FreePort.Next().ToString()),
            new("RABBITMQ_MNESIA_BASE", Path.Combine(dataDirectory, "mnesia")),
            new("RABBITMQ_LOG_BASE", Path.Combine(dataDirectory, "log")),
            new("RABBITMQ_ENABLED_PLUGINS_FILE", pluginsFile),
            // Erlang distribution listens on loopback only, like everything we start.
            new("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "-kernel inet_dist_use_interface {127,0,0,1}"),
        ]);
    }

    /// <summary>Probes the protocol until it answers; fails early with the child's last lines if it dies.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var port = Port ?? Resolution.LocalPort;
        var deadline = Stopwatch.StartNew();
        var what = $"{Resource.DisplayName} ('{Resource.Name}') on 127.0.0.1:{port}";
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var ready = Resource == InfrastructureResource.Redis
                ? await Readiness.RedisAnswersPingAsync("127.0.0.1", port, cancellationToken)
                : await Readiness.AmqpAnswersHeaderAsync("127.0.0.1", port, cancellationToken);
            if (ready)
            {
                return;
            }
            if (Process is { HasExited: true })
            {
                throw new DistributedAppException(Process.DescribeFailure($"{what} exited with code {Process.ExitCode} before it was ready"));
            }
            if (deadline.Elapsed > timeout)
            {
                var protocol = Resource == InfrastructureResource.Redis ? "answer PING" : "answer the AMQP protocol header";
                var message = $"{what} did not {protocol} within {timeout.TotalSeconds:0} s";
                throw new DistributedAppException(Process is null ? message + " (is something else listening there?)" : Process.DescribeFailure(message));
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Process is not null)
        {
            await ProcessStopper.StopAsync([Process], TimeSpan.FromSeconds(8));
            if (ContainerName is not null && Resolution.Executable is not null)
            {
                await RemoveContainerAsync(Resolution.Executable, ContainerName);
            }
            Process.Dispose();
        }
        if (_dataDirectory is not null)
        {
            try
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    /// <summary>If the CLI client died before the container, <c>rm -f</c> makes sure it is gone.</summary>
    private static async Task RemoveContainerAsync(string cli, string name)
    {
        try
        {
            using var remove = System.Diagnostics.Process.Start(new ProcessStartInfo(cli, ["rm", "-f", name])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (remove is not null)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await remove.WaitForExitAsync(timeout.Token);
            }
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or OperationCanceledException)
        {
        }
    }
}
