using Yarp.ReverseProxy.Forwarder;

namespace CuteRooms.Web.Gateway;

/// <summary>
/// When forwarding itself fails (a body cut off at the limit, a destination down or silent), YARP
/// answers with a bare status code. This gives that answer a problem body with a stable type, like
/// every other error of CuteRooms.
/// </summary>
public static class ForwardingProblems
{
    public static async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        await next();
        if (context.GetForwarderErrorFeature() is null || context.Response.HasStarted) return;
        await ProblemDetailsDefaults.ForStatus(context.Response.StatusCode).ExecuteAsync(context);
    }
}
