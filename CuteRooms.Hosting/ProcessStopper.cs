namespace CuteRooms.Hosting;

/// <summary>
/// Stops children the way an orchestrator should: SIGTERM to all of them at once, so none waits on
/// another (a Web still proxying a stream would otherwise hold up everything after it), within one
/// grace period; then SIGKILL the whole tree of whatever is left, and any process that was below a
/// child when we started stopping (RabbitMQ's beam.smp under its shell script).
/// </summary>
internal static class ProcessStopper
{
    public static async Task StopAsync(IReadOnlyList<ChildProcess> children, TimeSpan grace)
    {
        var running = children.Where(child => !child.HasExited).ToList();
        if (running.Count == 0)
        {
            return;
        }
        // Snapshot the trees first: once a parent is gone its orphans are no longer found under it.
        var descendants = running.SelectMany(child => child.Descendants()).ToList();

        foreach (var child in running)
        {
            child.Terminate();
        }
        await Task.WhenAny(Task.WhenAll(running.Select(child => child.Exited)), Task.Delay(grace));

        foreach (var child in running.Where(child => !child.HasExited))
        {
            child.Kill();
        }
        await Task.WhenAny(Task.WhenAll(running.Select(child => child.Exited)), Task.Delay(TimeSpan.FromSeconds(3)));
        Sweep(descendants);
    }

    /// <summary>Synchronous last resort (process exit, unhandled exception): the same steps, waited for here.</summary>
    public static void StopNow(IReadOnlyList<ChildProcess> children, TimeSpan grace) =>
        StopAsync(children, grace).GetAwaiter().GetResult();

    private static void Sweep(IEnumerable<ProcessIdentity> descendants)
    {
        foreach (var process in descendants.Where(process => process.IsAlive))
        {
            ChildProcess.KillNow(process.Pid);
        }
    }
}
