using CuteRooms.Contracts;
using Microsoft.AspNetCore.Http.Features;

namespace CuteRooms.Web.Gateway;

/// <summary>
/// Refuses an oversized body at the gateway, before anything is forwarded. Left to the Api, the
/// refusal races the body still being sent: the Api answers 413 and closes, and the gateway, mid-way
/// through forwarding, may only see a broken connection and answer 502.
/// </summary>
public static class RequestBodyLimit
{
    public static async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        if (context.Request.ContentLength > RequestLimits.MaxBodyBytes)
        {
            await TypedResults.Problem(
                detail: $"The request body may be at most {RequestLimits.MaxBodyBytes / 1024} KiB.",
                statusCode: StatusCodes.Status413PayloadTooLarge,
                title: "The request body is too large.",
                type: ProblemTypes.PayloadTooLarge).ExecuteAsync(context);
            return;
        }

        // A body of undeclared length is cut off here as it is read, at the same size.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = RequestLimits.MaxBodyBytes;
        await next();
    }
}
