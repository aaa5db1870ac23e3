using System.Diagnostics;
using CuteRooms.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
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

        // Minimal APIs answer unreadable bodies with a bare 400/413 (in Development too, where they
        // would otherwise throw to the developer page); status code pages give them a body.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = false);
        builder.Services.AddExceptionHandler<ClientErrorExceptionHandler>();
        return builder;
    }

    /// <summary>The stable type and a detail for an error the framework (or a proxy) answered by status code alone.</summary>
    public static (string Type, string Detail) Describe(int? status) => status switch
    {
        400 => (ProblemTypes.MalformedRequest, "The request could not be read: check its path, parameters and body (JSON of the documented shape, or the page's own form)."),
        404 => (ProblemTypes.NotFound, "Nothing is here."),
        405 => (ProblemTypes.MethodNotAllowed, "This method is not allowed here."),
        413 => (ProblemTypes.PayloadTooLarge, "The request body is too large."),
        415 => (ProblemTypes.UnsupportedMediaType, "Send the body as application/json."),
        429 => (ProblemTypes.RateLimited, "Too many requests; slow down and retry shortly."),
        >= 400 and < 500 => (ProblemTypes.ClientError, "The request was refused as sent."),
        502 or 503 or 504 => (ProblemTypes.ServiceUnavailable, "A dependency is unavailable; retry shortly."),
        _ => (ProblemTypes.Unexpected, "Something went wrong on our side."),
    };

    /// <summary>A problem result for <paramref name="status"/> with its stable type.</summary>
    public static ProblemHttpResult ForStatus(int status)
    {
        var (type, detail) = Describe(status);
        return TypedResults.Problem(detail: detail, statusCode: status, type: type);
    }

    /// <summary>
    /// Writes the 429 of any limit: problem details with <c>Retry-After</c> in whole seconds (at least
    /// one, so a client that honours it never retries at once).
    /// </summary>
    public static ValueTask TooManyRequests(HttpContext context, TimeSpan? retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling((retryAfter ?? TimeSpan.FromSeconds(1)).TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var problem = TypedResults.Problem(
            detail: $"Too many requests; retry in {seconds} s.", statusCode: StatusCodes.Status429TooManyRequests,
            title: "Slow down", type: ProblemTypes.RateLimited);
        return new ValueTask(problem.ExecuteAsync(context));
    }

    public static WebApplication UseProblemDetailsDefaults(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions { StatusCodeSelector = StatusCodeOf });
        app.UseStatusCodePages();
        return app;
    }

    /// <summary>The status an exception is answered with: the client's fault as it says, a dependency's 503, else 500.</summary>
    public static int StatusCodeOf(Exception exception) => exception switch
    {
        BadHttpRequestException bad => bad.StatusCode,
        RedisConnectionException or RedisTimeoutException => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>
    /// A request the framework could not read (a malformed form, a body cut off at its limit) is the
    /// client's error: problem details with its status, never an error page or the exception's text.
    /// </summary>
    private sealed class ClientErrorExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
        {
            if (exception is not BadHttpRequestException bad || context.Response.HasStarted) return false;
            context.Response.StatusCode = bad.StatusCode;
            var (type, detail) = Describe(bad.StatusCode);
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = { Status = bad.StatusCode, Type = type, Detail = detail, Title = ReasonPhrases.GetReasonPhrase(bad.StatusCode) },
            });
        }
    }
}
