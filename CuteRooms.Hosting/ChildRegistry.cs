namespace CuteRooms.Hosting;

/// <summary>
/// Every child still running, in start order, so that they go when this process goes: on a normal exit
/// (AppDomain.ProcessExit, which also follows SIGTERM/SIGINT when nobody handles them) and on an
/// unhandled exception. A SIGKILL of this process cannot be caught; its children then outlive it.
/// </summary>
internal static class ChildRegistry
{
    private static readonly List<ChildProcess> Children = [];
    private static int _hooked;

    public static void Add(ChildProcess child)
    {
        if (Interlocked.Exchange(ref _hooked, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAll();
            AppDomain.CurrentDomain.UnhandledException += (_, _) => StopAll();
        }
        lock (Children)
        {
            Children.Add(child);
        }
        _ = child.Exited.ContinueWith(_ => Remove(child), TaskScheduler.Default);
    }

    public static void Remove(ChildProcess child)
    {
        lock (Children)
        {
            Children.Remove(child);
        }
    }

    private static void StopAll()
    {
        List<ChildProcess> running;
        lock (Children)
        {
            running = [.. Children];
        }
        running.Reverse();
        ProcessStopper.StopNow(running, TimeSpan.FromSeconds(3));
    }
}
