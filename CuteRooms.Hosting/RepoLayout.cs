namespace CuteRooms.Hosting;

/// <summary>Where the services' build output is: the repo holding CuteRooms.slnx, in our own configuration.</summary>
internal static class RepoLayout
{
    public const string SolutionFile = "CuteRooms.slnx";

#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif

    public static string FindRoot(string? start = null)
    {
        for (var directory = new DirectoryInfo(start ?? AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, SolutionFile)))
            {
                return directory.FullName;
            }
        }
        throw new DistributedAppException($"{SolutionFile} was not found above {start ?? AppContext.BaseDirectory}; run from the repository's build output.");
    }

    public static string ProjectDirectory(string root, string project) => Path.Combine(root, project);

    public static string ServiceAssembly(string root, string project) =>
        Path.Combine(root, project, "bin", Configuration, "net10.0", project + ".dll");

    /// <summary>The dotnet host that runs us (so children use the same runtime), else the one on PATH.</summary>
    public static string DotnetHost()
    {
        var fromCli = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromCli) && File.Exists(fromCli))
        {
            return fromCli;
        }
        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return self;
        }
        var root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        if (!string.IsNullOrEmpty(root) && File.Exists(Path.Combine(root, "dotnet")))
        {
            return Path.Combine(root, "dotnet");
        }
        var runtimeRoot = Path.GetFullPath(Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        if (File.Exists(Path.Combine(runtimeRoot, "dotnet")))
        {
            return Path.Combine(runtimeRoot, "dotnet");
        }
        return "dotnet";
    }
}
