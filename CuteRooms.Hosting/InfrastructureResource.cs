namespace CuteRooms.Hosting;

/// <summary>What the orchestrator knows about one piece of infrastructure (Redis or RabbitMQ).</summary>
internal sealed record InfrastructureResource(
    string Name,
    string Kind,
    string DisplayName,
    int DefaultLocalPort,
    string BinaryName,
    string ContainerImage,
    int ContainerPort,
    string InstallPackage,
    string ConnectionStringExample,
    Func<int, string> ConnectionStringForPort)
{
    public static readonly InfrastructureResource Redis = new(
        Name: "redis",
        Kind: "Redis",
        DisplayName: "Redis",
        DefaultLocalPort: 6379,
        BinaryName: "redis-server",
        ContainerImage: "redis:7",
        ContainerPort: 6379,
        InstallPackage: "redis-server",
        ConnectionStringExample: "host:6379",
        ConnectionStringForPort: port => $"127.0.0.1:{port}");

    public static readonly InfrastructureResource Messaging = new(
        Name: "messaging",
        Kind: "RabbitMQ",
        DisplayName: "RabbitMQ",
        DefaultLocalPort: 5672,
        BinaryName: "rabbitmq-server",
        ContainerImage: "rabbitmq:3",
        ContainerPort: 5672,
        InstallPackage: "rabbitmq-server",
        ConnectionStringExample: "amqp://user:pass@host:5672/",
        ConnectionStringForPort: port => $"amqp://guest:guest@127.0.0.1:{port}/");

    public string MissingMessage(int localPort) =>
        $"{DisplayName} ('{Name}') was not found: install it (apt-get install {InstallPackage}), "
        + $"start one on 127.0.0.1:{localPort}, or set ConnectionStrings__{Name}={ConnectionStringExample}";
}
