using CuteRooms.Hosting;

namespace CuteRooms.AppHost.Tests;

/// <summary>How the orchestrator finds Redis and RabbitMQ: configuration, local port, PATH, container CLI, else a clear error.</summary>
public sealed class InfrastructureResolutionTests
{
    private static readonly string NoPath = "";

    [Fact]
    public async Task A_connection_string_in_configuration_wins_even_over_a_server_on_the_local_port()
    {
        using var listener = TestSupport.Listen(out var port);
        var configuration = TestSupport.Configuration(
            ("ConnectionStrings:redis", "cache.example:6380,ssl=true"),
            ("Resources:redis:LocalPort", port.ToString()));

        var resolution = await new InfrastructureResolver(configuration, NoPath).ResolveAsync(InfrastructureResource.Redis);

        Assert.Equal(InfrastructureSource.ConnectionString, resolution.Source);
        Assert.Equal("cache.example:6380,ssl=true", resolution.ConnectionString);
    }

    [Fact]
    public async Task A_server_listening_on_the_local_port_is_reused_instead_of_starting_one()
    {
        using var listener = TestSupport.Listen(out var port);
        var configuration = TestSupport.Configuration(("Resources:messaging:LocalPort", port.ToString()));

        var resolution = await new InfrastructureResolver(configuration, Environment.GetEnvironmentVariable("PATH"))
            .ResolveAsync(InfrastructureResource.Messaging);

        Assert.Equal(InfrastructureSource.LocalPort, resolution.Source);
        Assert.Equal($"amqp://guest:guest@127.0.0.1:{port}/", resolution.ConnectionString);
    }

    [Fact]
    public async Task A_reused_server_is_not_stopped_when_the_orchestrator_stops()
    {
        var configuration = TestSupport.Configuration(("Resources:redis:LocalPort", TestSupport.SystemRedisPort));
        var resolution = await new InfrastructureResolver(configuration, NoPath).ResolveAsync(InfrastructureResource.Redis);

        await using (var server = await InfrastructureServer.StartAsync(resolution, new LogSink(null), TimeSpan.FromSeconds(10), CancellationToken.None))
        {
            Assert.Null(server.Process);
        }

        Assert.True(await TestSupport.RedisAnswersPingAsync(int.Parse(TestSupport.SystemRedisPort)));
    }

    [Fact]
    public async Task With_nothing_listening_redis_server_on_PATH_runs_as_a_child_on_a_free_port_that_answers_PING_and_goes_with_stop()
    {
        var unused = TestSupport.UnusedPort();
        var configuration = TestSupport.Configuration(("Resources:redis:LocalPort", unused.ToString()));
        var resolution = await new InfrastructureResolver(configuration, TestSupport.DirectoryOf("redis-server")).ResolveAsync(InfrastructureResource.Redis);
        Assert.Equal(InfrastructureSource.Binary, resolution.Source);

        var server = await InfrastructureServer.StartAsync(resolution, new LogSink(null), TimeSpan.FromSeconds(30), CancellationToken.None);
        var port = server.Port!.Value;
        var pid = server.Process!.Pid;
        Assert.Equal($"127.0.0.1:{port}", server.ConnectionString);
        Assert.True(await TestSupport.RedisAnswersPingAsync(port));

        await server.DisposeAsync();

        Assert.False(TestSupport.IsAlive(pid));
        Assert.False(await TestSupport.RedisAnswersPingAsync(port));
    }

    [Fact]
    public async Task With_nothing_listening_rabbitmq_server_on_PATH_runs_as_a_child_that_answers_AMQP_and_leaves_no_process_after_stop()
    {
        var configuration = TestSupport.Configuration(("Resources:messaging:LocalPort", TestSupport.UnusedPort().ToString()));
        var resolution = await new InfrastructureResolver(configuration, TestSupport.DirectoryOf("rabbitmq-server")).ResolveAsync(InfrastructureResource.Messaging);
        Assert.Equal(InfrastructureSource.Binary, resolution.Source);

        var server = await InfrastructureServer.StartAsync(resolution, new LogSink(null), TimeSpan.FromSeconds(60), CancellationToken.None);
        var tree = server.Process!.Descendants().Append(new ProcessIdentity(server.Process.Pid, ProcessTree.StartTimeOf(server.Process.Pid)!.Value)).ToList();
        Assert.Contains(tree, process => File.ReadAllText($"/proc/{process.Pid}/comm").Trim() == "beam.smp");
        Assert.True(await Readiness.AmqpAnswersHeaderAsync("127.0.0.1", server.Port!.Value, CancellationToken.None));

        await server.DisposeAsync();

        Assert.DoesNotContain(tree, process => process.IsAlive);
    }

    [Theory]
    [InlineData("redis", "Redis ('redis') was not found", "apt-get install redis-server", "ConnectionStrings__redis=")]
    [InlineData("messaging", "RabbitMQ ('messaging') was not found", "apt-get install rabbitmq-server", "ConnectionStrings__messaging=amqp://")]
    public async Task With_an_empty_PATH_and_nothing_listening_it_fails_with_one_line_naming_the_resource_and_how_to_get_it(
        string name, string names, string installHint, string configHint)
    {
        var resource = name == "redis" ? InfrastructureResource.Redis : InfrastructureResource.Messaging;
        var configuration = TestSupport.Configuration(($"Resources:{name}:LocalPort", TestSupport.UnusedPort().ToString()));

        var error = await Assert.ThrowsAsync<MissingInfrastructureException>(
            () => new InfrastructureResolver(configuration, NoPath).ResolveAsync(resource));

        Assert.Equal(name, error.ResourceName);
        Assert.StartsWith(names, error.Message);
        Assert.Contains(installHint, error.Message);
        Assert.Contains(configHint, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }
}
