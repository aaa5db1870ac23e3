using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace CuteRooms.AppHost.Infrastructure;

/// <summary>
/// Redis (<c>redis</c>) and RabbitMQ (<c>messaging</c>), each from the first of: a connection string in
/// the AppHost's configuration (<c>ConnectionStrings:redis</c>), Aspire's container when a container
/// runtime answers, the server binary on PATH as an executable resource, or an
/// <see cref="AppHostSetupException"/> saying how to install it. Publishing always describes containers.
/// </summary>
internal static class InfrastructureExtensions
{
    public static IResourceBuilder<IResourceWithConnectionString> AddRedisServer(this IDistributedApplicationBuilder builder, string name, AppHostOptions options) =>
        builder.AddInfrastructure(name, ServerBinary.Redis, options,
            addContainer: () => builder.AddRedis(name),
            addExecutable: binary => builder.AddRedisExecutable(name, binary),
            addHealthCheck: (checks, key, connectionString) => checks.AddRedis(_ => connectionString(), name: key));

    public static IResourceBuilder<IResourceWithConnectionString> AddRabbitMQServer(this IDistributedApplicationBuilder builder, string name, AppHostOptions options) =>
        builder.AddInfrastructure(name, ServerBinary.RabbitMQ, options,
            addContainer: () => builder.AddRabbitMQ(name),
            addExecutable: binary => builder.AddRabbitMQExecutable(name, binary),
            addHealthCheck: AddRabbitMQHealthCheck);

    private static IResourceBuilder<IResourceWithConnectionString> AddInfrastructure(
        this IDistributedApplicationBuilder builder,
        string name,
        ServerBinary server,
        AppHostOptions options,
        Func<IResourceBuilder<IResourceWithConnectionString>> addContainer,
        Func<string, IResourceBuilder<IResourceWithConnectionString>> addExecutable,
        Action<IHealthChecksBuilder, string, Func<string>> addHealthCheck)
    {
        // The manifest azd deploys describes containers, never this machine's binaries or temp paths.
        if (builder.ExecutionContext.IsPublishMode)
        {
            return addContainer();
        }

        if (builder.Configuration.GetConnectionString(name) is { Length: > 0 } connectionString)
        {
            var healthCheckKey = $"{name}_check";
            addHealthCheck(builder.Services.AddHealthChecks(), healthCheckKey, () => connectionString);
            return builder.AddConnectionString(name).WithHealthCheck(healthCheckKey);
        }

        if (options.UseContainers ?? ContainerRuntime.IsHealthy(builder.Configuration))
        {
            return addContainer();
        }

        if (server.FindOnPath(Environment.GetEnvironmentVariable("PATH")) is { } binary)
        {
            var resource = addExecutable(binary);
            var healthCheckKey = $"{name}_check";
            string? allocated = null;
            builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(resource.Resource, async (_, cancellationToken) =>
                allocated = await resource.Resource.ConnectionStringExpression.GetValueAsync(cancellationToken));
            addHealthCheck(builder.Services.AddHealthChecks(), healthCheckKey,
                () => allocated ?? throw new InvalidOperationException($"The connection string of '{name}' is not known yet."));
            return resource.WithHealthCheck(healthCheckKey);
        }

        throw new AppHostSetupException(server.MissingMessage(name));
    }

    // The same check Aspire's own RabbitMQ resource uses; one connection, kept for later probes.
    private static void AddRabbitMQHealthCheck(IHealthChecksBuilder checks, string key, Func<string> connectionString)
    {
        IConnection? connection = null;
        checks.AddRabbitMQ(async _ => connection ??= await new ConnectionFactory { Uri = new Uri(connectionString()) }.CreateConnectionAsync(), name: key);
    }
}
