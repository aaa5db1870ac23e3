using CuteRooms.Contracts;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Yarp.ReverseProxy.LoadBalancing;

namespace CuteRooms.Web.Gateway;

/// <summary>
/// The browser talks to one origin: this gateway forwards <c>/api/**</c> to the Api and
/// <c>/realtime/**</c> (SSE) to the Realtime replicas. YARP streams responses without buffering and
/// passes cookies and <c>Last-Event-ID</c> through; it adds <c>X-Forwarded-For</c> for the Api's limits.
/// </summary>
public static class GatewaySetup
{
    public static IHostApplicationBuilder AddGateway(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<GatewayOptions>()
            .BindConfiguration(GatewayOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddProblemDetails();

        // Destinations are service names (http://api, http://_h2c.realtime); service discovery turns each
        // into every endpoint configured for it (services:{name}:{endpoint}:N, as the AppHost gives them)
        // and keeps them current. A service without any endpoint fails the start.
        var options = builder.Configuration.GetSection(GatewayOptions.SectionName).Get<GatewayOptions>() ?? new();
        builder.Services.AddReverseProxy()
            .LoadFromMemory(GatewayConfig.Routes, GatewayConfig.Clusters(builder.Configuration, options))
            .AddServiceDiscoveryDestinationResolver();
        builder.Services.AddSingleton<ILoadBalancingPolicy, RoomAffinityBalancing>();
        builder.Services.AddHostedService<DestinationHealthLog>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<StalledStreamWatch>();
        builder.Services.AddHostedService(services => services.GetRequiredService<StalledStreamWatch>());
        // What Kestrel holds for a connection beyond the kernel's buffer (64 KiB by default): a stalled
        // browser's stream costs that much here until it is cut off; pages are far smaller.
        builder.Services.Configure<SocketTransportOptions>(transport => transport.MaxWriteBufferSize = 16 * 1024);
        return builder;
    }

    public static WebApplication MapGateway(this WebApplication app)
    {
        app.MapReverseProxy(proxy =>
        {
            proxy.Use(ForwardingProblems.InvokeAsync);
            proxy.Use(CrossSiteRequestGuard.InvokeAsync);
            proxy.Use(RequestBodyLimit.InvokeAsync);
            proxy.Use(EventStreamConnection.InvokeAsync);
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });

        // Not in the route table anyway; answered here explicitly so that no later catch-all
        // (a page, a fallback) can ever serve the Api's internal surface to a browser.
        app.Map("/internal/{**rest}", () => TypedResults.Problem(
            detail: "Nothing is here.", statusCode: StatusCodes.Status404NotFound, title: "Not found", type: ProblemTypes.NotFound));
        return app;
    }
}
