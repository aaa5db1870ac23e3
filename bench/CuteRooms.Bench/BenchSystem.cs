using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using CuteRooms.Tests;

namespace CuteRooms.Bench;

/// <summary>
/// The whole system as `dotnet run --project CuteRooms.AppHost` runs it: the AppHost (built in the
/// bench's configuration) as a child process, in the Production environment, on the machine's Redis
/// and RabbitMQ (<c>ConnectionStrings__redis</c> / <c>__messaging</c>, else 127.0.0.1:6379 and :5672), the
/// services' telemetry off and the post and admission limits lifted (the bench admits every subscriber
/// and posts from one address; those limits are not what it measures). Out of process, so that the bench's own process only makes load:
/// hosting the app model in it (Aspire.Hosting.Testing) cost the bench's readers CPU and doubled p99.
/// </summary>
public sealed partial class BenchSystem : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private const int SigTerm = 15;

    /// <summary>Held for the life of the process: a registration that is collected stops handling its signal.</summary>
    private static readonly List<PosixSignalRegistration> StopOnSignals = [];

    private readonly Process appHost;

    private BenchSystem(Process appHost, Uri web)
    {
        this.appHost = appHost;
        Web = web;
    }

    public Uri Web { get; }

    /// <summary>Every Realtime replica's service process (not the <c>dotnet run</c> above it).</summary>
    public IReadOnlyList<int> RealtimePids { get; private init; } = [];

    /// <summary>The first Realtime replica's service process.</summary>
    public int RealtimePid => RealtimePids[0];

    public int WebPid { get; private init; }
    public int ApiPid { get; private init; }

    /// <summary>Each Realtime replica's HTTP/1.1 address, as the Web was told (<c>services__realtime__http__N</c>).</summary>
    public IReadOnlyList<Uri> RealtimeHttpEndpoints()
    {
        var environment = ProcessEnvironment.Of(WebPid);
        return [.. environment.Where(pair => pair.Key.StartsWith("services__realtime__http__", StringComparison.Ordinal))
            .OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => new Uri(pair.Value))];
    }

    /// <summary>The checkout the bench was built from.</summary>
    public static string RepositoryRoot => Path.GetFullPath(Path.Combine(AppHostProjectDirectory, ".."));

    private static string AppHostProjectDirectory => Projects.CuteRooms_AppHost.ProjectPath.EndsWith(".csproj", StringComparison.Ordinal)
        ? Path.GetDirectoryName(Projects.CuteRooms_AppHost.ProjectPath)!
        : Projects.CuteRooms_AppHost.ProjectPath;

    /// <summary>Every <c>--apphost-setting KEY=VALUE</c> of a command line, e.g. <c>CuteRooms:ResourceSettings:web:Name=value</c>.</summary>
    public static string[] SettingsFrom(string[] args) =>
        [.. args.Select((arg, index) => (arg, index))
            .Where(pair => pair.arg == "--apphost-setting" && pair.index + 1 < args.Length)
            .Select(pair => args[pair.index + 1])];

    public static async Task<BenchSystem> StartAsync(int realtimeReplicas, IReadOnlyList<string> settings)
    {
        var appHost = Process.Start(StartInfo(realtimeReplicas, settings)) ?? throw new InvalidOperationException("The AppHost did not start.");
        // Stopped mid-run (SIGTERM, or Ctrl+C), the bench stops the system it started as well.
        StopOnSignals.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => Stop(appHost)));
        StopOnSignals.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => Stop(appHost)));
        var up = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new List<string>();
        appHost.OutputDataReceived += (_, line) =>
        {
            if (line.Data is null) return;
            lock (output) output.Add(line.Data);
            if (UpLine().Match(line.Data) is { Success: true } match) up.TrySetResult(new Uri(match.Groups["web"].Value));
        };
        appHost.ErrorDataReceived += (_, line) => { if (line.Data is not null) lock (output) output.Add(line.Data); };
        appHost.BeginOutputReadLine();
        appHost.BeginErrorReadLine();

        var started = await Task.WhenAny(up.Task, appHost.WaitForExitAsync(), Task.Delay(StartTimeout));
        if (started != up.Task)
        {
            var system = new BenchSystem(appHost, new Uri("http://127.0.0.1/"));
            await system.DisposeAsync();
            lock (output)
            {
                throw new TimeoutException($"The system was not up within {StartTimeout.TotalSeconds:0} s (are Redis and RabbitMQ running?):\n{string.Join('\n', output.TakeLast(30))}");
            }
        }
        try
        {
            // Everything the AppHost started, the orchestrator's resources included (it detaches from the AppHost).
            var processes = ProcessTable.StartedBy(appHost.Id);
            return new BenchSystem(appHost, up.Task.Result)
            {
                RealtimePids = ServiceProcesses(processes, "CuteRooms.Realtime"),
                WebPid = ServiceProcesses(processes, "CuteRooms.Web")[0],
                ApiPid = ServiceProcesses(processes, "CuteRooms.Api")[0],
            };
        }
        catch (InvalidOperationException)
        {
            await new BenchSystem(appHost, up.Task.Result).DisposeAsync();
            throw;
        }
    }

    private static ProcessStartInfo StartInfo(int realtimeReplicas, IReadOnlyList<string> settings)
    {
        var project = AppHostProjectDirectory;
        var appHostDll = Path.Combine(project, "bin", BuildConfiguration, "net10.0", "CuteRooms.AppHost.dll");
        var startInfo = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = project,
        };
        foreach (var argument in new[]
        {
            appHostDll, "--environment", "Production",
            "--port", "0", "--realtime-replicas", realtimeReplicas.ToString(),
            $"--ConnectionStrings:redis={Environment.GetEnvironmentVariable("ConnectionStrings__redis") ?? "127.0.0.1:6379"}",
            $"--ConnectionStrings:messaging={Environment.GetEnvironmentVariable("ConnectionStrings__messaging") ?? "amqp://guest:guest@127.0.0.1:5672/"}",
            "--CuteRooms:ServiceSettings:OTEL_EXPORTER_OTLP_ENDPOINT=",
            "--CuteRooms:ServiceSettings:RateLimits:RoomsPerMinute=100000",
            "--CuteRooms:ServiceSettings:RateLimits:MessagesPerSecond=100000",
            "--CuteRooms:ServiceSettings:RateLimits:MessageBurst=100000",
            "--CuteRooms:ServiceSettings:RateLimits:AddressMessagesPerSecond=100000",
            "--CuteRooms:ServiceSettings:RateLimits:AddressMessageBurst=100000",
            // Every subscriber is admitted from the bench's one address.
            "--CuteRooms:ServiceSettings:RateLimits:AdmissionsPerMinute=1000000",
        })
        {
            startInfo.ArgumentList.Add(argument);
        }
        // What a run tries out (a service's setting, say), after the bench's own: the last one wins.
        foreach (var setting in settings) startInfo.ArgumentList.Add("--" + setting);
        // The launch profile's dashboard settings (HTTP only, no login), on free loopback ports.
        var ports = LoopbackPorts.Free(3);
        startInfo.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{ports[0]}";
        startInfo.Environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://127.0.0.1:{ports[1]}";
        startInfo.Environment["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://127.0.0.1:{ports[2]}";
        startInfo.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
        startInfo.Environment["ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] = "true";
        return startInfo;
    }

    /// <summary>The service's own processes among those started (the orchestrator starts each under a <c>dotnet run</c>), oldest first.</summary>
    private static List<int> ServiceProcesses(IReadOnlyList<ProcessEntry> started, string service)
    {
        var pids = started
            .Where(process => process.CommandLine.Split(' ')[0] is var executable
                && executable.EndsWith($"/{service}", StringComparison.Ordinal) && executable.Contains($"/{service}/bin/", StringComparison.Ordinal))
            .Select(process => process.Pid).Order().ToList();
        return pids.Count > 0 ? pids : throw new InvalidOperationException($"No {service} process: its CPU and memory cannot be measured.");
    }

#if DEBUG
    private const string BuildConfiguration = "Debug";
#else
    private const string BuildConfiguration = "Release";
#endif

    [GeneratedRegex(@"CuteRooms is up at (?<web>http://\S+)")]
    private static partial Regex UpLine();

    public ValueTask DisposeAsync()
    {
        Stop(appHost);
        appHost.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>SIGTERM (the AppHost stops everything it started), then 30 s before the whole tree is killed.</summary>
    private static void Stop(Process appHost)
    {
        try
        {
            if (appHost.HasExited) return;
            _ = NativeMethods.kill(appHost.Id, SigTerm);
            if (!appHost.WaitForExit(TimeSpan.FromSeconds(30))) appHost.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Disposed: already stopped (a signal after DisposeAsync).
        }
    }

    private static class NativeMethods
    {
        [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code for one call.
        public static extern int kill(int pid, int signal);
#pragma warning restore SYSLIB1054
    }
}
