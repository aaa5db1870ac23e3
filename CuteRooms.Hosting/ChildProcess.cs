using System.Diagnostics;
using System.Runtime.InteropServices;

namespace CuteRooms.Hosting;

/// <summary>
/// A process we started: its output goes line by line to the <see cref="LogSink"/> under its resource's
/// prefix, the last lines are kept for error messages, and it is stopped with SIGTERM first.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private const int TailLength = 20;
    private const int SigKill = 9;
    private const int SigTerm = 15;

    private readonly Process _process;
    private readonly LogSink _log;
    private readonly Queue<string> _tail = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _killedOnPurpose;
    private volatile string? _lastError;
    private readonly List<string> _listeningOn = [];

    private ChildProcess(string name, Process process, LogSink log)
    {
        Name = name;
        _process = process;
        _log = log;
    }

    public string Name { get; }
    public int Pid { get; private set; }
    public bool HasExited => _exited.Task.IsCompleted;
    public Task Exited => _exited.Task;
    public bool WasKilled => _killedOnPurpose;
    public int? ExitCode => HasExited ? _process.ExitCode : null;

    /// <summary>
    /// Whether it said it listens on <paramref name="url"/> (Kestrel's "Now listening on:" line): only
    /// then is an answer on that port its own and not another process's that took the port first.
    /// </summary>
    public bool SaidListeningOn(Uri url)
    {
        var origin = url.GetLeftPart(UriPartial.Authority);
        lock (_listeningOn)
        {
            return _listeningOn.Contains(origin);
        }
    }

    /// <summary>Whether its last error or last lines say a port it was given was taken (Kestrel, Redis: "address already in use"; Erlang: eaddrinuse).</summary>
    public bool FoundPortTaken() =>
        new[] { _lastError ?? "" }.Concat(Tail()).Any(line =>
            line.Contains("address already in use", StringComparison.OrdinalIgnoreCase) || line.Contains("eaddrinuse", StringComparison.Ordinal));

    public static ChildProcess Start(
        string name,
        string fileName,
        IEnumerable<string> arguments,
        string workingDirectory,
        IEnumerable<KeyValuePair<string, string>> environment,
        LogSink log)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // Nobody types into a child; a closed stdin keeps it from waiting on the terminal.
            RedirectStandardInput = true,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment)
        {
            startInfo.Environment[key] = value;
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var child = new ChildProcess(name, process, log);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data);
        process.Exited += (_, _) => child.OnExited();
        process.Start();
        child.Pid = process.Id;
        ChildRegistry.Add(child);
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (process.HasExited)
        {
            child.OnExited();
        }
        return child;
    }

    /// <summary>The last lines it wrote, oldest first, for an error message.</summary>
    public IReadOnlyList<string> Tail()
    {
        lock (_tail)
        {
            return [.. _tail];
        }
    }

    public string DescribeFailure(string what)
    {
        var tail = Tail();
        var lines = tail.Count == 0
            ? "  (it wrote nothing)"
            : string.Join(Environment.NewLine, tail.Select(line => "  " + line));
        // A crash's last lines are mostly stack frames; say what the error was first.
        var error = _lastError is { } last && !tail.Contains(last)
            ? $" Its last error: {(last.Length > 600 ? last[..600] + "…" : last)}{Environment.NewLine}"
            : "";
        return $"{what}.{error} Its last {tail.Count} log lines:{Environment.NewLine}{lines}";
    }

    /// <summary>Asks it to stop (SIGTERM), as a terminal or an orchestrator would.</summary>
    public void Terminate()
    {
        // The process itself, not our exit task (completed a little later): never signal a reused pid.
        if (!_process.HasExited)
        {
            Signal(Pid, SigTerm);
        }
    }

    /// <summary>Kills it and every process under it, now (SIGKILL).</summary>
    public void Kill()
    {
        _killedOnPurpose = true;
        if (HasExited)
        {
            return;
        }
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited meanwhile.
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Signal(Pid, SigKill);
        }
    }

    /// <summary>PIDs of every process below it now (Linux: from /proc), for a sweep after it is gone.</summary>
    public IReadOnlyList<ProcessIdentity> Descendants() => ProcessTree.DescendantsOf(Pid);

    public void Dispose() => _process.Dispose();

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }
        const string listening = "Now listening on: ";
        if (line.IndexOf(listening, StringComparison.Ordinal) is var at and >= 0)
        {
            lock (_listeningOn)
            {
                _listeningOn.Add(line[(at + listening.Length)..].Trim().TrimEnd('/'));
            }
        }
        if (line.StartsWith("Unhandled exception.", StringComparison.Ordinal)
            || line.StartsWith("fail:", StringComparison.Ordinal)
            || line.StartsWith("crit:", StringComparison.Ordinal))
        {
            _lastError = line;
        }
        lock (_tail)
        {
            _tail.Enqueue(line);
            while (_tail.Count > TailLength)
            {
                _tail.Dequeue();
            }
        }
        _log.Write(Name, line);
    }

    private void OnExited()
    {
        // Let the asynchronous readers flush the last lines before anyone reads the tail; bounded,
        // because an orphaned grandchild may hold the pipe open until the stopper sweeps it.
        try
        {
            _process.WaitForExit(TimeSpan.FromSeconds(2));
        }
        catch (InvalidOperationException)
        {
        }
        _exited.TrySetResult();
    }

    internal static bool Signal(int pid, int signal)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }
        return NativeMethods.kill(pid, signal) == 0;
    }

    internal static void KillNow(int pid) => Signal(pid, SigKill);

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true)]
#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code for one call.
        public static extern int kill(int pid, int sig);
#pragma warning restore SYSLIB1054
    }
}
