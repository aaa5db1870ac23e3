namespace CuteRooms.Hosting;

/// <summary>A process as seen at one moment: its id and start time, so a reused PID is not mistaken for it.</summary>
internal readonly record struct ProcessIdentity(int Pid, long StartTime)
{
    /// <summary>Still running (a zombie, dead but not yet reaped, does not count).</summary>
    public bool IsAlive => ProcessTree.IsAlive(Pid) && ProcessTree.StartTimeOf(Pid) == StartTime;
}

/// <summary>Reads the process tree from /proc (Linux); elsewhere it sees nothing.</summary>
internal static class ProcessTree
{
    public static IReadOnlyList<ProcessIdentity> DescendantsOf(int rootPid)
    {
        if (!Directory.Exists("/proc"))
        {
            return [];
        }
        var children = new Dictionary<int, List<int>>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }
            var stat = ReadStat(pid);
            if (stat is null)
            {
                continue;
            }
            var parent = stat.Value.ParentPid;
            if (!children.TryGetValue(parent, out var list))
            {
                children[parent] = list = [];
            }
            list.Add(pid);
        }

        var result = new List<ProcessIdentity>();
        var pending = new Stack<int>([rootPid]);
        while (pending.Count > 0)
        {
            var pid = pending.Pop();
            if (!children.TryGetValue(pid, out var list))
            {
                continue;
            }
            foreach (var child in list)
            {
                var startTime = StartTimeOf(child);
                if (startTime is not null)
                {
                    result.Add(new ProcessIdentity(child, startTime.Value));
                }
                pending.Push(child);
            }
        }
        return result;
    }

    public static long? StartTimeOf(int pid) => ReadStat(pid)?.StartTime;

    /// <summary>True when a process with this id exists and is not a zombie.</summary>
    public static bool IsAlive(int pid)
    {
        var stat = ReadStat(pid);
        return stat is not null && stat.Value.State != 'Z';
    }

    private static (int ParentPid, long StartTime, char State)? ReadStat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
        var close = text.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }
        var fields = text[(close + 2)..].Split(' ');
        // fields[0] = state, [1] = ppid, [19] = starttime (field 22 of stat).
        if (fields.Length < 20 || !int.TryParse(fields[1], out var parent) || !long.TryParse(fields[19], out var start))
        {
            return null;
        }
        return (parent, start, fields[0][0]);
    }
}
