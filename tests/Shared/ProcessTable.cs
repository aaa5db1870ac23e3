namespace CuteRooms.Tests;

/// <summary>A process seen at one moment; its start time tells it from a later one that reused the id.</summary>
public sealed record ProcessEntry(int Pid, int ParentPid, long StartTime, string CommandLine)
{
    /// <summary>Still running: the same id with the same start time, and not a zombie.</summary>
    public bool IsAlive => ProcessTable.Read(Pid) is { } now && now.StartTime == StartTime;

    public override string ToString() => $"{Pid} {(CommandLine.Length > 120 ? CommandLine[..120] + "…" : CommandLine)}";
}

/// <summary>The machine's processes from /proc (Linux): what an AppHost run started or left behind, a service under its launcher.</summary>
public static class ProcessTable
{
    public static IReadOnlyList<ProcessEntry> Snapshot() =>
        [.. Directory.EnumerateDirectories("/proc")
            .Select(directory => int.TryParse(Path.GetFileName(directory), out var pid) ? Read(pid) : null)
            .OfType<ProcessEntry>()];

    /// <summary>
    /// The AppHost and everything it started: its own children, and the orchestrator (DCP), which
    /// detaches from it, watches it with <c>--monitor {pid}</c> and is the parent of every resource.
    /// </summary>
    public static IReadOnlyList<ProcessEntry> StartedBy(int appHostPid)
    {
        var all = Snapshot();
        return Descendants(all, all.Where(process => process.Pid == appHostPid || process.CommandLine.Contains($"--monitor {appHostPid}", StringComparison.Ordinal)));
    }

    /// <summary>A process and everything under it.</summary>
    public static IReadOnlyList<ProcessEntry> Tree(int pid)
    {
        var all = Snapshot();
        return Descendants(all, all.Where(process => process.Pid == pid));
    }

    private static IReadOnlyList<ProcessEntry> Descendants(IReadOnlyList<ProcessEntry> all, IEnumerable<ProcessEntry> roots)
    {
        var found = new Dictionary<int, ProcessEntry>();
        var pending = new Stack<ProcessEntry>(roots);
        while (pending.TryPop(out var process))
        {
            if (found.TryAdd(process.Pid, process))
            {
                foreach (var child in all.Where(candidate => candidate.ParentPid == process.Pid))
                {
                    pending.Push(child);
                }
            }
        }
        return [.. found.Values.OrderBy(process => process.Pid)];
    }

    public static ProcessEntry? Read(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // "pid (comm) state ppid … starttime(22nd)": comm may hold spaces and parentheses.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields[0] == "Z")
            {
                return null;
            }
            var commandLine = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
            return new ProcessEntry(pid, int.Parse(fields[1]), long.Parse(fields[19]), commandLine);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}

/// <summary>What <see cref="ProcessTable"/> does not read: a process's environment.</summary>
public static class ProcessEnvironment
{
    /// <summary>The environment of a process of this user, as name → value.</summary>
    public static Dictionary<string, string> Of(int pid) =>
        File.ReadAllText($"/proc/{pid}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(entry => entry.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .GroupBy(pair => pair[0])
            .ToDictionary(group => group.Key, group => group.First()[1]);
}
