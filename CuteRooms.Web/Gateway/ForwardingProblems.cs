using CuteRooms.Contracts;
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

        var status = context.Response.StatusCode;
        var (type, title) = status switch
        {
            StatusCodes.Status400BadRequest => (ProblemTypes.MalformedRequest, "The request could not be read."),
            StatusCodes.Status413PayloadTooLarge => (ProblemTypes.PayloadTooLarge, "The request body is too large."),
            >= 500 => (ProblemTypes.ServiceUnavailable, "The service is unavailable; retry shortly."),
            _ => (ProblemTypes.Unexpected, "The request could not be forwarded."),
        };
        await TypedResults.Problem(statusCode: status, title: title, type: type).ExecuteAsync(context);
    }
}
