namespace CuteRooms.AppHost.Infrastructure;

/// <summary>
/// Data directories of the servers the AppHost runs, under the system's temp directory. They are
/// removed when the AppHost exits, after the orchestrator has stopped the servers
/// (<c>DcpPublisher:WaitForResourceCleanup</c> in appsettings.json makes it wait for that).
/// </summary>
internal static class TemporaryDirectory
{
    private static readonly List<string> Created = [];

    public static string Create(string resourceName)
    {
        var directory = Directory.CreateTempSubdirectory($"cuterooms-{resourceName}-").FullName;
        lock (Created)
        {
            Created.Add(directory);
        }
        return directory;
    }

    public static void RemoveAll()
    {
        lock (Created)
        {
            foreach (var directory in Created)
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
            Created.Clear();
        }
    }
}
