using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace CuteRooms.AppHost.Tests;

/// <summary>
/// The built AppHost run as <c>dotnet run --project CuteRooms.AppHost</c> runs it: with its launch
/// profile's environment (the dashboard's settings, on fresh loopback ports here so that a developer's
/// own AppHost on the fixed ports is not disturbed), in its own session as a terminal would give it,
/// its output captured. It gets a temp directory of its own (<c>TMPDIR</c>), so what it leaves there
/// is its own, and never containers, so that a machine with Docker runs the same servers as CI.
/// </summary>
public sealed partial class AppHostProcess : IAsyncDisposable
{
    public const int SigInt = 2;
    public const int SigTerm = 15;

    private readonly Process process;
    private readonly ConcurrentQueue<string> stdout = new();
    private readonly ConcurrentQueue<string> stderr = new();
    private readonly Stopwatch sinceStart = Stopwatch.StartNew();

    private AppHostProcess(Process process, Uri dashboard, string temp)
    {
        this.process = process;
        Dashboard = dashboard;
        TempDirectory = temp;
    }

    public int Pid => process.Id;
    public Uri Dashboard { get; }

    /// <summary>Its <c>TMPDIR</c>, where it keeps the data of the servers it runs; removed on dispose.</summary>
    public string TempDirectory { get; }
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
        var temp = Directory.CreateTempSubdirectory("cuterooms-apphost-test-").FullName;
        var startInfo = new ProcessStartInfo("setsid")
        {
            WorkingDirectory = ProjectDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        // A terminal's foreground job takes Ctrl+C; a runner started in the background of a
        // non-interactive shell (as CI may be) passes SIGINT on as ignored, and .NET, Redis and
        // RabbitMQ all keep an inherited "ignored". Reset it, as the terminal would have it.
        startInfo.ArgumentList.Add("/usr/bin/env"); // by path: a test may give the AppHost a PATH without it
        startInfo.ArgumentList.Add("--default-signal=INT");
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
        startInfo.Environment["TMPDIR"] = temp;
        startInfo.Environment["CuteRooms__UseContainers"] = "false";
        foreach (var (key, value) in profile.Concat(environment))
        {
            if (value is null) startInfo.Environment.Remove(key);
            else startInfo.Environment[key] = value;
        }

        var process = new Process { StartInfo = startInfo };
        var host = new AppHostProcess(process, dashboard, temp);
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
            kill(Pid, SigTerm); // it may exit meanwhile: no assertion here
            if (!await WaitForExitAsync(TimeSpan.FromSeconds(30)))
            {
                process.Kill(entireProcessTree: true);
            }
        }
        process.Dispose();
        try
        {
            Directory.Delete(TempDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A server's last files; the next run's directory is another one.
        }
    }

    [GeneratedRegex(@"CuteRooms is up at (?<web>http://\S+)")]
    private static partial Regex UpLine();

    private static (Dictionary<string, string?> Environment, Uri Dashboard) LaunchProfileOnFreePorts()
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(ProjectDirectory, "Properties", "launchSettings.json")));
        var profile = settings.RootElement.GetProperty("profiles").GetProperty("http");
        var environment = profile.GetProperty("environmentVariables").EnumerateObject()
            .ToDictionary(variable => variable.Name, variable => (string?)variable.Value.GetString());
        environment["ASPNETCORE_URLS"] = profile.GetProperty("applicationUrl").GetString();

        var loopbackUrls = environment.Where(variable => IsLoopbackUrl(variable.Value)).Select(variable => variable.Key).ToList();
        var ports = LoopbackPorts.Free(loopbackUrls.Count);
        foreach (var (key, port) in loopbackUrls.Zip(ports))
        {
            environment[key] = new UriBuilder(environment[key]!) { Port = port }.Uri.GetLeftPart(UriPartial.Authority);
        }
        return (environment, new Uri(environment["ASPNETCORE_URLS"]!));
    }

    private static bool IsLoopbackUrl(string? value) => Uri.TryCreate(value, UriKind.Absolute, out var url) && url.IsLoopback;


    /// <summary>The full path, so that a test can hand the AppHost a PATH without it.</summary>
    public static string DotnetHost { get; } =
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
