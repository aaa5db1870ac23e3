using System.Net;
using System.Net.Sockets;
using CuteRooms.Hosting;
using Microsoft.Extensions.Configuration;

namespace CuteRooms.AppHost.Tests;

internal static class TestSupport
{
    public const string SystemRedisPort = "6379";

    public static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build();

    /// <summary>A port nothing listens on (just handed out by the kernel and given back).</summary>
    public static int UnusedPort() => FreePort.Next();

    /// <summary>The directory holding <paramref name="binary"/> on this machine's PATH.</summary>
    public static string DirectoryOf(string binary) =>
        Path.GetDirectoryName(InfrastructureResolver.FindOnPath(binary, Environment.GetEnvironmentVariable("PATH"))
            ?? throw new InvalidOperationException($"{binary} is not on PATH; run .ci/run or apt-get install it."))!;

    public static Task<bool> RedisAnswersPingAsync(int port) =>
        Readiness.RedisAnswersPingAsync("127.0.0.1", port, CancellationToken.None);

    public static bool IsAlive(int pid) => ProcessTree.IsAlive(pid);

    public static async Task<bool> EventuallyAsync(Func<bool> condition, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (condition())
            {
                return true;
            }
            await Task.Delay(100);
        }
        return condition();
    }

    public static TcpListener Listen(out int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        port = ((IPEndPoint)listener.LocalEndpoint).Port;
        return listener;
    }
}
