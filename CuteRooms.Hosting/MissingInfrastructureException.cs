namespace CuteRooms.Hosting;

/// <summary>
/// Redis or RabbitMQ could not be found by any means. The message is one line that names the resource
/// and says how to get it, fit to print as is.
/// </summary>
public sealed class MissingInfrastructureException : Exception
{
    public MissingInfrastructureException(string resourceName, string message)
        : base(message)
    {
        ResourceName = resourceName;
    }

    /// <summary><c>redis</c> or <c>messaging</c>.</summary>
    public string ResourceName { get; }
}
