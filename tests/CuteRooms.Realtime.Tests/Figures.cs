namespace CuteRooms.Realtime.Tests;

/// <summary>
/// What a fault test measured, beside its verdict: sent to the runner's output and appended to
/// <c>figures.txt</c> beside the tests, which <c>bench/faults.sh</c> prints.
/// </summary>
public static class Figures
{
    public static string FilePath { get; } = Path.Combine(AppContext.BaseDirectory, "figures.txt");

    public static void Report(string scenario, params string[] lines)
    {
        var text = $"## {scenario} ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC)\n" + string.Concat(lines.Select(line => $"- {line}\n"));
        lock (FilePath) File.AppendAllText(FilePath, text);
        TestContext.Current.SendDiagnosticMessage(text);
    }
}
