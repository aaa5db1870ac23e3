namespace CuteRooms.Web.Gatekeeper;

public static class GatekeeperSetup
{
    public static IHostApplicationBuilder AddGatekeeper(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<GatekeeperOptions>()
            .BindConfiguration(GatekeeperOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<RoomAdmission>();
        return builder;
    }

    /// <summary>Only page views of a room go through the gatekeeper; its form posts carry the cookie it gave.</summary>
    public static WebApplication UseGatekeeper(this WebApplication app)
    {
        app.UseWhen(
            context => HttpMethods.IsGet(context.Request.Method) && RoomPaths.RoomIdOfPage(context.Request.Path) is not null,
            branch => branch.UseMiddleware<GatekeeperMiddleware>());
        return app;
    }
}
