using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using CuteRooms.Hosting;

namespace CuteRooms.AppHost.Tests;

/// <summary>The built CuteRooms.AppHost.dll run with <c>dotnet</c>, its output captured.</summary>
internal sealed class AppHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();

    private AppHostProcess(Process process, string stateFile)
    {
        _process = process;
        StateFile = stateFile;
    }

    public string StateFile { get; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;
    public IReadOnlyList<string> StandardOutput => [.. _stdout];
    public IReadOnlyList<string> StandardError => [.. _stderr];

    public static string AssemblyPath
    {
        get
        {
#if DEBUG
            const string configuration = "Debug";
#else
            const string configuration = "Release";
#endif
            return Path.Combine(RepoLayout.FindRoot(), "CuteRooms.AppHost", "bin", configuration, "net10.0", "CuteRooms.AppHost.dll");
        }
    }

    /// <param name="environment">Overrides; a null value removes the variable.</param>
    public static AppHostProcess Start(IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var stateFile = Path.Combine(Path.GetTempPath(), $"cuterooms-apphost-test-{Guid.NewGuid():N}.json");
        var startInfo = new ProcessStartInfo(RepoLayout.DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(AssemblyPath);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        // Whatever the runner has, the AppHost must find infrastructure by itself.
        startInfo.Environment.Remove("ConnectionStrings__redis");
        startInfo.Environment.Remove("ConnectionStrings__messaging");
        startInfo.Environment[ResourceTableStateFileVariable] = stateFile;
        foreach (var (key, value) in environment)
        {
            if (value is null)
            {
                startInfo.Environment.Remove(key);
            }
            else
            {
                startInfo.Environment[key] = value;
            }
        }

        var process = new Process { StartInfo = startInfo };
        var host = new AppHostProcess(process, stateFile);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) host._stdout.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) host._stderr.Enqueue(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Mirrors CuteRooms.AppHost's ResourceTable.StateFileVariable.</summary>
    public const string ResourceTableStateFileVariable = "CUTEROOMS_APPHOST_STATE_FILE";

    /// <summary>Waits until the AppHost reports the system up (its state file), or fails with its output.</summary>
    public async Task<IReadOnlyList<ResourceInfo>> WaitUntilUpAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (File.Exists(StateFile))
            {
                return JsonSerializer.Deserialize<List<ResourceInfo>>(await File.ReadAllTextAsync(StateFile))!;
            }
            if (_process.HasExited)
            {
                break;
            }
            await Task.Delay(200);
        }
        throw new Xunit.Sdk.XunitException($"The AppHost was not up within {timeout}:\n{string.Join('\n', StandardOutput.TakeLast(40))}\n{string.Join('\n', StandardError)}");
    }

    public void Signal(int signal) => ChildProcess.Signal(Pid, signal);

    /// <summary>Waits for it to exit; true when it did within <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        File.Delete(StateFile);
    }
}
