namespace CuteRooms.Bench.SideBySide;

/// <summary>A process whose CPU and memory a run reads from <c>/proc</c> (Linux only).</summary>
public sealed record WatchedProcess(string Name, int Pid)
{
    /// <summary>User + system CPU seconds so far; NaN once it is gone.</summary>
    public double CpuSeconds()
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{Pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // from field 3 on
            return (long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0; // utime + stime, USER_HZ = 100
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }

    /// <summary>Resident memory in KiB; 0 once it is gone.</summary>
    public long RssKiB()
    {
        try
        {
            var line = File.ReadLines($"/proc/{Pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0]);
        }
        catch (IOException)
        {
            return 0;
        }
    }
}

/// <summary>Finds processes by their executable or command line, as <c>pgrep -f</c> would.</summary>
public static class ProcessFinder
{
    public static IEnumerable<(int Pid, string[] CommandLine)> All()
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid)) continue;
            string[] commandLine;
            try
            {
                commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Split('\0', StringSplitOptions.RemoveEmptyEntries);
            }
            catch (IOException)
            {
                continue; // gone meanwhile
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }
            if (commandLine.Length > 0) yield return (pid, commandLine);
        }
    }

    /// <summary>Every process whose executable's file name is <paramref name="executable"/>.</summary>
    public static IEnumerable<int> ByExecutable(string executable) =>
        All().Where(process => Path.GetFileName(process.CommandLine[0]) == executable).Select(process => process.Pid);

    /// <summary>Whether <paramref name="pid"/> was started, directly or not, by one of <paramref name="ancestors"/>.</summary>
    public static bool IsDescendant(int pid, IReadOnlySet<int> ancestors)
    {
        for (var current = pid; current > 1;)
        {
            if (ancestors.Contains(current)) return true;
            try
            {
                var stat = File.ReadAllText($"/proc/{current}/stat");
                current = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]); // field 4: the parent
            }
            catch (IOException)
            {
                return false;
            }
        }
        return false;
    }

    /// <summary>The environment of a process of this user, as name → value.</summary>
    public static Dictionary<string, string> EnvironmentOf(int pid) =>
        File.ReadAllText($"/proc/{pid}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(entry => entry.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .GroupBy(pair => pair[0])
            .ToDictionary(group => group.Key, group => group.First()[1]);
}
