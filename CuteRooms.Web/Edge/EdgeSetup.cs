namespace CuteRooms.Web.Edge;

/// <summary>What happens to every request before any feature sees it.</summary>
public static class EdgeSetup
{
    public static IHostApplicationBuilder AddEdge(this IHostApplicationBuilder builder)
    {
        // Browsers connect straight to the Web unless an operator names the proxies in front of it.
        builder.AddTrustedProxies(defaultNetworks: []);
        builder.Services.AddOptions<PublicOriginOptions>()
            .BindConfiguration(PublicOriginOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<PublicOrigin>();
        builder.AddProblemDetailsDefaults();
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(kestrel => kestrel.AddServerHeader = false);
        builder.AddServerRefusals();
        return builder;
    }

    public static WebApplication UseEdge(this WebApplication app)
    {
        app.UseSecurityHeaders(SecurityHeaders.Policy);
        app.UseServerRefusals(); // what Kestrel refuses before this pipeline runs gets the same answer

        // No developer exception page in any environment: a page that fails to render shows the error
        // page (re-executed as a GET), anything else answers problem details, and every 4xx the framework
        // answers by itself (routing misses, unreadable forms) is problem details too, whatever the Accept.
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandlingPath = "/error",
            CreateScopeForErrors = true,
            StatusCodeSelector = ProblemDetailsDefaults.StatusCodeOf,
        });
        app.UseStatusCodePagesAsProblems();

        app.UseTrustedProxies();
        var publicOrigin = app.Services.GetRequiredService<PublicOrigin>();
        app.Use((context, next) => publicOrigin.InvokeAsync(context, next));
        return app;
    }

    /// <summary>After antiforgery has looked at a post: a stale or missing token is problem details.</summary>
    public static WebApplication UseFormGuard(this WebApplication app)
    {
        app.Use(FormGuard.InvokeAsync);
        return app;
    }
}
