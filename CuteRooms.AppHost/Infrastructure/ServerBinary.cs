namespace CuteRooms.AppHost.Infrastructure;

/// <summary>A server that can run from this machine's PATH, and what to tell someone who has none.</summary>
internal sealed record ServerBinary(string DisplayName, string FileName, string Package, string? RunAsCallerScript = null)
{
    public static readonly ServerBinary Redis = new("Redis", "redis-server", "redis-server");

    /// <summary>Erlang's port mapper, installed with RabbitMQ (erlang-base).</summary>
    public static readonly ServerBinary Epmd = new("Erlang's port mapper", "epmd", "erlang-base");

    /// <summary>
    /// Debian's <c>/usr/sbin/rabbitmq-server</c> switches to the <c>rabbitmq</c> user (which cannot write
    /// our temporary directory) or refuses other users; the script behind it runs as the caller.
    /// </summary>
    public static readonly ServerBinary RabbitMQ = new("RabbitMQ", "rabbitmq-server", "rabbitmq-server", "/usr/lib/rabbitmq/bin/rabbitmq-server");

    public string? FindOnPath(string? path)
    {
        foreach (var directory in (path ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, FileName);
            if (File.Exists(candidate) && IsExecutable(candidate))
            {
                return RunAsCallerScript is { } script && File.Exists(script) ? script : candidate;
            }
        }
        return null;
    }

    public string MissingMessage(string resourceName) =>
        $"{DisplayName} ('{resourceName}') was not found: {FileName} is not on PATH" +
        (InstalledOffPath() is { } installed ? $" (there is {installed}: add {Path.GetDirectoryName(installed)} to PATH)" : "") +
        $". Install it (Debian/Ubuntu: sudo apt-get install -y {Package}), start a container runtime (docker; podman with " +
        $"ASPIRE_CONTAINER_RUNTIME=podman), or give a server with --ConnectionStrings:{resourceName}=… (environment ConnectionStrings__{resourceName}).";

    /// <summary>Debian installs the servers in /usr/sbin, which an ordinary user's PATH does not hold.</summary>
    private string? InstalledOffPath() =>
        new[] { "/usr/sbin", "/usr/local/sbin", "/sbin" }.Select(directory => Path.Combine(directory, FileName)).FirstOrDefault(File.Exists);

    private static bool IsExecutable(string file) =>
        OperatingSystem.IsWindows()
        || (File.GetUnixFileMode(file) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}
