using CuteRooms.Contracts;
using Microsoft.AspNetCore.Antiforgery;

namespace CuteRooms.Web.Edge;

/// <summary>
/// Refuses a form post whose antiforgery token is missing or stale, or that is not a form at all,
/// with problem details, before the endpoint runs. (Razor component endpoints would otherwise answer
/// such posts with a plain-text 400 of their own.)
/// </summary>
public static class FormGuard
{
    public static async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        var endpoint = context.GetEndpoint();
        if (HttpMethods.IsPost(context.Request.Method) && endpoint?.Metadata.GetMetadata<IAntiforgeryMetadata>() is { RequiresValidation: true })
        {
            // Checked first: once validation failed, even asking whether the body is a form throws.
            if (context.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false })
            {
                await FormExpired().ExecuteAsync(context);
                return;
            }
            if (!context.Request.HasFormContentType)
            {
                await ProblemDetailsDefaults.ForStatus(StatusCodes.Status415UnsupportedMediaType).ExecuteAsync(context);
                return;
            }
        }
        await next();
    }

    public static IResult FormExpired() => TypedResults.Problem("The form has expired; reload the page and try again.",
        statusCode: StatusCodes.Status400BadRequest, title: "Form expired", type: ProblemTypes.FormExpired);
}
