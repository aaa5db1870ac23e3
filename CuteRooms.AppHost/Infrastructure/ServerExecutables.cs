using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CuteRooms.AppHost.Infrastructure;

/// <summary><c>redis-server</c> from PATH: memory only, on a port the orchestrator allocates, loopback only.</summary>
internal sealed class RedisServerResource(string name, string command, string dataDirectory)
    : ExecutableResource(name, command, dataDirectory), IResourceWithConnectionString
{
    public EndpointReference Endpoint => field ??= new(this, ServerExecutables.EndpointName);

    // StackExchange.Redis format, as Aspire's Redis resource gives it.
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"127.0.0.1:{Endpoint.Property(EndpointProperty.Port)}");
}

/// <summary>
/// <c>rabbitmq-server</c> from PATH as its own Erlang node (own name, ports and directories), so it
/// runs beside a system broker or another AppHost's.
/// </summary>
internal sealed class RabbitMQServerResource(string name, string command, string dataDirectory)
    : ExecutableResource(name, command, dataDirectory), IResourceWithConnectionString
{
    public const string DistributionEndpointName = "distribution";

    public EndpointReference Endpoint => field ??= new(this, ServerExecutables.EndpointName);
    public EndpointReference DistributionEndpoint => field ??= new(this, DistributionEndpointName);

    // The broker's default user, accepted from loopback only (and the broker listens nowhere else).
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"amqp://guest:guest@127.0.0.1:{Endpoint.Property(EndpointProperty.Port)}/");
}

internal static class ServerExecutables
{
    public const string EndpointName = "tcp";

    public static IResourceBuilder<IResourceWithConnectionString> AddRedisExecutable(this IDistributedApplicationBuilder builder, string name, string binary)
    {
        var redis = new RedisServerResource(name, binary, TemporaryDirectory.For(name));
        return builder.AddResource(redis)
            // No port: the orchestrator picks a free one and the server binds it itself (no proxy hop).
            .WithEndpoint(name: EndpointName, scheme: "tcp", isProxied: false)
            .WithArgs(context =>
            {
                context.Args.Add("--bind");
                context.Args.Add("127.0.0.1 -::1");
                context.Args.Add("--port");
                context.Args.Add(redis.Endpoint.Property(EndpointProperty.TargetPort));
                // Rooms are ephemeral: nothing is written to disk.
                context.Args.Add("--save");
                context.Args.Add("");
                context.Args.Add("--appendonly");
                context.Args.Add("no");
                context.Args.Add("--dir");
                context.Args.Add(redis.WorkingDirectory);
            })
            .WithTemporaryWorkingDirectory()
            .WithIconName("Database");
    }

    public static IResourceBuilder<IResourceWithConnectionString> AddRabbitMQExecutable(this IDistributedApplicationBuilder builder, string name, string binary)
    {
        var data = TemporaryDirectory.For(name);
        var pluginsFile = Path.Combine(data, "enabled_plugins");
        var rabbit = new RabbitMQServerResource(name, binary, data);
        var node = builder.AddResource(rabbit);
        if (ServerBinary.Epmd.FindOnPath(Environment.GetEnvironmentVariable("PATH")) is { } epmd)
        {
            node.WithPortMapper(builder.AddPortMapper($"{name}-epmd", epmd, rabbit));
        }
        return node
            .WithEndpoint(name: EndpointName, scheme: "tcp", isProxied: false)
            .WithEndpoint(name: RabbitMQServerResource.DistributionEndpointName, scheme: "tcp", isProxied: false)
            .WithEnvironment(context =>
            {
                context.EnvironmentVariables["RABBITMQ_NODENAME"] = $"{Path.GetFileName(data)}@localhost";
                context.EnvironmentVariables["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1";
                context.EnvironmentVariables["RABBITMQ_NODE_PORT"] = rabbit.Endpoint.Property(EndpointProperty.TargetPort);
                context.EnvironmentVariables["RABBITMQ_DIST_PORT"] = rabbit.DistributionEndpoint.Property(EndpointProperty.TargetPort);
                context.EnvironmentVariables["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = DistributionOnLoopback;
                context.EnvironmentVariables["RABBITMQ_MNESIA_BASE"] = Path.Combine(data, "mnesia");
                context.EnvironmentVariables["RABBITMQ_LOG_BASE"] = Path.Combine(data, "log");
                // The broker's log goes to its console: the dashboard shows it.
                context.EnvironmentVariables["RABBITMQ_LOGS"] = "-";
                context.EnvironmentVariables["RABBITMQ_ENABLED_PLUGINS_FILE"] = pluginsFile;
            })
            // No plugins: the management UI is not needed, and the node boots faster.
            .WithTemporaryWorkingDirectory(_ => File.WriteAllText(pluginsFile, "[]."))
            .WithIconName("Mailbox");
    }

    /// <summary>
    /// Erlang's port mapper for this node alone, as a resource of its own (a child of the node in the
    /// dashboard), in the foreground on a port of its own: the node would otherwise start a shared
    /// <c>epmd -daemon</c> that outlives the AppHost. Healthy once it accepts a connection, and the node
    /// waits for that, told not to start one itself.
    /// </summary>
    private static IResourceBuilder<ExecutableResource> AddPortMapper(this IDistributedApplicationBuilder builder, string name, string binary, RabbitMQServerResource node)
    {
        var epmd = builder.AddExecutable(name, binary, Path.GetTempPath())
            .WithEndpoint(name: EndpointName, scheme: "tcp", isProxied: false)
            .WithParentRelationship(node)
            .WithIconName("PlugConnected");
        var endpoint = epmd.GetEndpoint(EndpointName);
        epmd.WithArgs(context =>
        {
            context.Args.Add("-address");
            context.Args.Add("127.0.0.1");
            context.Args.Add("-port");
            context.Args.Add(endpoint.Property(EndpointProperty.TargetPort));
        });
        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthCheckKey, async cancellationToken =>
        {
            using var client = new System.Net.Sockets.TcpClient();
            try
            {
                await client.ConnectAsync("127.0.0.1", endpoint.Port, cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (System.Net.Sockets.SocketException exception)
            {
                return HealthCheckResult.Unhealthy(exception.Message);
            }
        });
        return epmd.WithHealthCheck(healthCheckKey);
    }

    private static IResourceBuilder<RabbitMQServerResource> WithPortMapper(this IResourceBuilder<RabbitMQServerResource> node, IResourceBuilder<ExecutableResource> epmd)
    {
        var port = epmd.GetEndpoint(EndpointName).Property(EndpointProperty.TargetPort);
        return node.WaitFor(epmd).WithEnvironment(context =>
        {
            context.EnvironmentVariables["ERL_EPMD_PORT"] = port;
            context.EnvironmentVariables["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = $"{DistributionOnLoopback} -start_epmd false";
        });
    }

    /// <summary>Erlang distribution on loopback only, like everything else started here.</summary>
    private const string DistributionOnLoopback = "-kernel inet_dist_use_interface {127,0,0,1}";
}
