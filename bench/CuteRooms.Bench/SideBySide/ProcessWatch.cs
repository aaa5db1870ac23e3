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
