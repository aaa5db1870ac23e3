using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace CuteRooms.Web.Tests;

/// <summary>
/// A second Web process beside a system's own, as a second replica behind a load balancer would run:
/// the same program with the same settings (read from the first one's environment), on its own port.
/// </summary>
public sealed class SecondWebReplica : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();

    public Uri Endpoint { get; }

    private readonly string home;

    private SecondWebReplica(Process process, Uri endpoint, string home) => (this.process, Endpoint, this.home) = (process, endpoint, home);

    public static async Task<SecondWebReplica> StartAsync(TestSystem system)
    {
        var first = await system.ServiceProcessIdAsync("web", "CuteRooms.Web");
        var command = File.ReadAllText($"/proc/{first}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        var start = new ProcessStartInfo(command[0])
        {
            WorkingDirectory = new FileInfo($"/proc/{first}/cwd").LinkTarget,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in command[1..]) start.ArgumentList.Add(argument);
        start.Environment.Clear();
        foreach (var (name, value) in ProcessEnvironment.Of(first)) start.Environment[name] = value;
        var endpoint = new Uri($"http://127.0.0.1:{LoopbackPorts.Free()}");
        foreach (var port in new[] { "HTTP_PORTS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS" }) start.Environment.Remove(port);
        start.Environment["ASPNETCORE_URLS"] = endpoint.ToString();
        start.Environment["OTEL_SERVICE_NAME"] = "web-second-replica";
        // A home of its own, as another host or pod has: nothing shared through the local file system
        // (where ASP.NET Core would otherwise keep its Data Protection keys).
        var home = Directory.CreateTempSubdirectory("cuterooms-second-web-").FullName;
        start.Environment["HOME"] = home;

        var replica = new SecondWebReplica(Process.Start(start)!, endpoint, home);
        replica.process.OutputDataReceived += (_, line) => replica.Keep(line.Data);
        replica.process.ErrorDataReceived += (_, line) => replica.Keep(line.Data);
        replica.process.BeginOutputReadLine();
        replica.process.BeginErrorReadLine();
        await replica.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60));
        return replica;
    }

    private async Task WaitUntilHealthyAsync(TimeSpan timeout)
    {
        using var client = new HttpClient { BaseAddress = Endpoint, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout && !process.HasExited)
        {
            try
            {
                using var health = await client.GetAsync("/health");
                if (health.StatusCode == HttpStatusCode.OK) return;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }
            await Task.Delay(250);
        }
        throw new InvalidOperationException($"The second Web replica did not become healthy: {string.Join(Environment.NewLine, output)}");
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        output.Enqueue(line);
        while (output.Count > 40) output.TryDequeue(out _);
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
        Directory.Delete(home, recursive: true);
    }
}
