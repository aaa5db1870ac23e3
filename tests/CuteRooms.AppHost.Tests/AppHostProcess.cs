using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace CuteRooms.AppHost.Tests;

/// <summary>
/// The built AppHost run as <c>dotnet run --project CuteRooms.AppHost</c> runs it: with its launch
/// profile's environment (the dashboard's settings, on fresh loopback ports here so that a developer's
/// own AppHost on the fixed ports is not disturbed), in its own session as a terminal would give it,
/// its output captured.
/// </summary>
public sealed partial class AppHostProcess : IAsyncDisposable
{
    public const int SigInt = 2;
    public const int SigTerm = 15;

    private readonly Process process;
    private readonly ConcurrentQueue<string> stdout = new();
    private readonly ConcurrentQueue<string> stderr = new();
    private readonly Stopwatch sinceStart = Stopwatch.StartNew();

    private AppHostProcess(Process process, Uri dashboard)
    {
        this.process = process;
        Dashboard = dashboard;
    }

    public int Pid => process.Id;
    public Uri Dashboard { get; }
    public IReadOnlyList<string> StandardOutput => [.. stdout];
    public IReadOnlyList<string> StandardError => [.. stderr];
    public bool HasExited => process.HasExited;
    public int ExitCode => process.ExitCode;

    public static string ProjectDirectory { get; } =
        Projects.CuteRooms_AppHost.ProjectPath.EndsWith(".csproj", StringComparison.Ordinal)
            ? Path.GetDirectoryName(Projects.CuteRooms_AppHost.ProjectPath)!
            : Projects.CuteRooms_AppHost.ProjectPath;

    /// <param name="environment">Set (or, with a null value, removed) on top of the launch profile's.</param>
    public static AppHostProcess Start(IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var (profile, dashboard) = LaunchProfileOnFreePorts();
        var startInfo = new ProcessStartInfo("setsid")
        {
            WorkingDirectory = ProjectDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(DotnetHost);
        startInfo.ArgumentList.Add(Path.Combine(ProjectDirectory, "bin", BuildConfiguration, "net10.0", "CuteRooms.AppHost.dll"));
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        // Whatever the test runner has, the AppHost gets what a newcomer's shell gives it.
        foreach (var inherited in new[] { "ConnectionStrings__redis", "ConnectionStrings__messaging", "ASPNETCORE_URLS", "DOTNET_LAUNCH_PROFILE" })
        {
            startInfo.Environment.Remove(inherited);
        }
        foreach (var (key, value) in profile.Concat(environment))
        {
            if (value is null) startInfo.Environment.Remove(key);
            else startInfo.Environment[key] = value;
        }

        var process = new Process { StartInfo = startInfo };
        var host = new AppHostProcess(process, dashboard);
        process.OutputDataReceived += (_, line) => { if (line.Data is not null) host.stdout.Enqueue(line.Data); };
        process.ErrorDataReceived += (_, line) => { if (line.Data is not null) host.stderr.Enqueue(line.Data); };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Waits for the line that says the system is up and returns the Web's address from it.</summary>
    public async Task<Uri> WaitUntilUpAsync(TimeSpan timeout)
    {
        while (sinceStart.Elapsed < timeout && !process.HasExited)
        {
            if (StandardOutput.Select(line => UpLine().Match(line)).FirstOrDefault(match => match.Success) is { } up)
            {
                TimeToUp = sinceStart.Elapsed;
                return new Uri(up.Groups["web"].Value);
            }
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException(
            $"The AppHost did not say it was up within {timeout} (exited: {process.HasExited}):\n{Describe()}");
    }

    /// <summary>From the start of the process to its "up" line.</summary>
    public TimeSpan TimeToUp { get; private set; }

    /// <summary>Signals the AppHost alone (a service manager's SIGTERM).</summary>
    public void Signal(int signal) => Assert.Equal(0, kill(Pid, signal));

    /// <summary>Signals its whole process group, as a terminal's Ctrl+C does.</summary>
    public void SignalGroup(int signal) => Assert.Equal(0, kill(-Pid, signal));

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public string Describe() =>
        $"stdout:\n{string.Join('\n', StandardOutput.TakeLast(60))}\nstderr:\n{string.Join('\n', StandardError.TakeLast(40))}";

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            Signal(SigTerm);
            if (!await WaitForExitAsync(TimeSpan.FromSeconds(30)))
            {
                process.Kill(entireProcessTree: true);
            }
        }
        process.Dispose();
    }

    [GeneratedRegex(@"CuteRooms is up at (?<web>http://\S+)")]
    private static partial Regex UpLine();

    private static (Dictionary<string, string?> Environment, Uri Dashboard) LaunchProfileOnFreePorts()
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(ProjectDirectory, "Properties", "launchSettings.json")));
        var profile = settings.RootElement.GetProperty("profiles").GetProperty("http");
        var environment = profile.GetProperty("environmentVariables").EnumerateObject()
            .ToDictionary(variable => variable.Name, variable => (string?)OnFreePort(variable.Value.GetString()!));
        var dashboard = OnFreePort(profile.GetProperty("applicationUrl").GetString()!);
        environment["ASPNETCORE_URLS"] = dashboard;
        return (environment, new Uri(dashboard));
    }

    /// <summary>A loopback URL's port replaced by one the kernel just handed out; anything else as it is.</summary>
    private static string OnFreePort(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var url) && url.IsLoopback
            ? new UriBuilder(url) { Port = FreePort() }.Uri.GetLeftPart(UriPartial.Authority)
            : value;

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The full path, so that a test can hand the AppHost a PATH without it.</summary>
    private static string DotnetHost { get; } =
        new[] { Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") }
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(directory => Path.Combine(directory, "dotnet")))
            .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("dotnet is not on PATH.");

#if DEBUG
    private const string BuildConfiguration = "Debug";
#else
    private const string BuildConfiguration = "Release";
#endif

    [DllImport("libc", SetLastError = true)]
#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code for one call.
    private static extern int kill(int pid, int signal);
#pragma warning restore SYSLIB1054
}
