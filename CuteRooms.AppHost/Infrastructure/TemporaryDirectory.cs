namespace CuteRooms.AppHost.Infrastructure;

/// <summary>
/// Data directories of the servers the AppHost runs, under the system's temp directory: made just
/// before the server starts (so a start that fails earlier leaves nothing) and removed when the
/// AppHost exits, after the orchestrator has stopped the servers (<c>DcpPublisher:WaitForResourceCleanup</c>
/// in appsettings.json makes it wait for that).
/// </summary>
internal static class TemporaryDirectory
{
    private static readonly List<string> Made = [];

    /// <summary>A fresh path for <paramref name="resourceName"/>'s data; nothing is made yet.</summary>
    public static string For(string resourceName) =>
        Path.Combine(Path.GetTempPath(), $"cuterooms-{resourceName}-{Guid.NewGuid().ToString("N")[..8]}");

    /// <summary>Makes the executable's working directory (its data directory) before each start, then runs <paramref name="prepare"/> in it.</summary>
    public static IResourceBuilder<T> WithTemporaryWorkingDirectory<T>(this IResourceBuilder<T> server, Action<string>? prepare = null)
        where T : ExecutableResource =>
        server.OnBeforeResourceStarted((resource, _, _) =>
        {
            Directory.CreateDirectory(resource.WorkingDirectory);
            lock (Made)
            {
                if (!Made.Contains(resource.WorkingDirectory)) Made.Add(resource.WorkingDirectory);
            }
            prepare?.Invoke(resource.WorkingDirectory);
            return Task.CompletedTask;
        });

    public static void RemoveAll()
    {
        lock (Made)
        {
            foreach (var directory in Made)
            {
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    Console.Error.WriteLine($"cuterooms-apphost: could not remove {directory}: {exception.Message}");
                }
            }
            Made.Clear();
        }
    }
}
