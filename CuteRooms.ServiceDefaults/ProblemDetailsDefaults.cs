using System.Diagnostics;
using CuteRooms.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Every error leaves as problem details with a stable <c>type</c>: our own results carry theirs,
/// and what the framework answers by itself (bad JSON, too large, unknown route, exceptions) is
/// given one here by status code. Never a stack trace.
/// </summary>
public static class ProblemDetailsDefaults
{
    public static IHostApplicationBuilder AddProblemDetailsDefaults(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            if (problem.Type is null || !problem.Type.StartsWith("urn:cuterooms:", StringComparison.Ordinal))
            {
                (problem.Type, problem.Detail) = Describe(problem.Status);
            }
            problem.Extensions["traceId"] = Activity.Current?.TraceId.ToString() ?? context.HttpContext.TraceIdentifier;
        });

        // Minimal APIs answer unreadable bodies with a bare 400/413; status code pages give them a body.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = false);
        return builder;
    }

    /// <summary>The stable type and a detail for an error the framework (or a proxy) answered by status code alone.</summary>
    public static (string Type, string Detail) Describe(int? status) => status switch
    {
        400 => (ProblemTypes.MalformedRequest, "The request body or parameters could not be read; send JSON of the documented shape."),
        404 => (ProblemTypes.NotFound, "Nothing is here."),
        405 => (ProblemTypes.MethodNotAllowed, "This method is not allowed here."),
        413 => (ProblemTypes.PayloadTooLarge, "The request body is too large."),
        415 => (ProblemTypes.UnsupportedMediaType, "Send the body as application/json."),
        429 => (ProblemTypes.RateLimited, "Too many requests; slow down and retry shortly."),
        502 or 503 or 504 => (ProblemTypes.ServiceUnavailable, "A dependency is unavailable; retry shortly."),
        _ => (ProblemTypes.Unexpected, "Something went wrong on our side."),
    };

    /// <summary>A problem result for <paramref name="status"/> with its stable type.</summary>
    public static ProblemHttpResult ForStatus(int status)
    {
        var (type, detail) = Describe(status);
        return TypedResults.Problem(detail: detail, statusCode: status, type: type);
    }

    public static WebApplication UseProblemDetailsDefaults(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = exception => exception switch
            {
                BadHttpRequestException bad => bad.StatusCode,
                RedisConnectionException or RedisTimeoutException => StatusCodes.Status503ServiceUnavailable,
                _ => StatusCodes.Status500InternalServerError,
            },
        });
        app.UseStatusCodePages();
        return app;
    }
}
