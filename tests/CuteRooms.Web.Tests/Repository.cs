namespace CuteRooms.Web.Tests;

public static class Repository
{
    /// <summary>The folder holding CuteRooms.slnx, found by walking up from the test binaries.</summary>
    public static DirectoryInfo Root()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CuteRooms.slnx"))) return directory;
        }
        throw new InvalidOperationException($"No CuteRooms.slnx above {AppContext.BaseDirectory}.");
    }
}
