using CuteRooms.AppHost.Infrastructure;

namespace CuteRooms.AppHost;

/// <summary>What the app model is built from: the options, and where Redis and RabbitMQ come from.</summary>
internal sealed record AppHostSetup(
    AppHostOptions Options,
    IResourceBuilder<IResourceWithConnectionString> Redis,
    IResourceBuilder<IResourceWithConnectionString> Messaging)
{
    /// <summary>
    /// Reads the options and adds <c>redis</c> and <c>messaging</c>; when either cannot be had, prints
    /// one line a newcomer can act on (what is missing, how to get it), not a stack trace, and gives null.
    /// </summary>
    public static AppHostSetup? Prepare(IDistributedApplicationBuilder builder)
    {
        try
        {
            var options = AppHostOptions.From(builder.Configuration);
            return new(options, builder.AddRedisServer("redis", options), builder.AddRabbitMQServer("messaging", options));
        }
        catch (AppHostSetupException problem)
        {
            Console.Error.WriteLine($"cuterooms-apphost: {problem.Message}");
            return null;
        }
    }
}
