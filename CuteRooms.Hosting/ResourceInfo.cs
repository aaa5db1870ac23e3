namespace CuteRooms.Hosting;

/// <summary>One row of the resource table.</summary>
/// <param name="Name">Aspire-style name: <c>redis</c>, <c>messaging</c>, <c>api</c>, <c>realtime-0</c>, <c>web</c>.</param>
/// <param name="Kind"><c>Redis</c>, <c>RabbitMQ</c> or <c>Project</c>.</param>
/// <param name="Endpoint">Where it answers: a URL for services, the connection string for infrastructure.</param>
/// <param name="Pid">Process id of the child we started; null for a reused or external server.</param>
/// <param name="State"><c>Running</c>, <c>Reused</c>, <c>External</c>, <c>Stopped</c>, <c>Killed</c>, <c>Exited</c>…</param>
/// <param name="Source">How it was obtained: <c>project</c>, <c>connection string</c>, <c>local port</c>, <c>child process</c>, <c>container</c>.</param>
/// <param name="HealthUrl">The service's <c>/health</c> URL; null for infrastructure.</param>
public sealed record ResourceInfo(
    string Name,
    string Kind,
    string Endpoint,
    int? Pid,
    string State,
    string Source,
    Uri? HealthUrl);
