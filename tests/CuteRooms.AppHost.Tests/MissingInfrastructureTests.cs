namespace CuteRooms.AppHost.Tests;

public sealed class MissingInfrastructureTests
{
    [Fact]
    public async Task Without_any_RabbitMQ_it_exits_non_zero_within_30_seconds_with_one_line_naming_it_and_how_to_get_it()
    {
        // A PATH with redis-server and nothing else: no rabbitmq-server, no docker or podman.
        var bin = Directory.CreateTempSubdirectory("cuterooms-test-path-").FullName;
        try
        {
            File.CreateSymbolicLink(Path.Combine(bin, "redis-server"), OnPath("redis-server"));
            await using var host = AppHostProcess.Start(new Dictionary<string, string?> { ["PATH"] = bin }, "--port", "0");

            Assert.True(await host.WaitForExitAsync(TimeSpan.FromSeconds(30)), "it kept running");
            await Task.Delay(200); // the last line of stderr

            Assert.NotEqual(0, host.ExitCode);
            var line = Assert.Single(host.StandardError);
            Assert.Contains("RabbitMQ ('messaging') was not found: rabbitmq-server is not on PATH", line);
            Assert.Contains("sudo apt-get install -y rabbitmq-server", line);
            Assert.DoesNotContain(" at ", line);
            Assert.DoesNotContain("Exception", line);
        }
        finally
        {
            Directory.Delete(bin, recursive: true);
        }
    }

    [Theory]
    [InlineData("--port", "http")]
    [InlineData("--realtime-replicas", "0")]
    public async Task A_bad_option_is_refused_with_one_line_saying_what_it_takes(string option, string value)
    {
        await using var host = AppHostProcess.Start(new Dictionary<string, string?>(), option, value);

        Assert.True(await host.WaitForExitAsync(TimeSpan.FromSeconds(30)), "it kept running");
        await Task.Delay(200);

        Assert.NotEqual(0, host.ExitCode);
        var line = Assert.Single(host.StandardError);
        Assert.Contains($"{option} needs a number", line);
        Assert.Contains($"'{value}'", line);
    }

    private static string OnPath(string binary) =>
        (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Select(directory => Path.Combine(directory, binary))
            .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"{binary} is not on PATH: run .ci/run, or apt-get install it.");
}
