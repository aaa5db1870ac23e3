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

        // Minimal APIs answer unreadable bodies with a bare 400/413 (in Development too, where they
        // would otherwise throw to the developer page); status code pages give them a body.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = false);
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
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
        431 => (ProblemTypes.ClientError, "The request's headers are too large."),
        505 => (ProblemTypes.MalformedRequest, "This HTTP version is not spoken here; use HTTP/1.1."),
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

    /// <summary>The 429 of any limit: problem details with <c>Retry-After</c>.</summary>
    public static RateLimitedHttpResult RateLimited(TimeSpan? retryAfter) => new(retryAfter);

    /// <summary>Writes <see cref="RateLimited"/> where no endpoint result can (the rate limiter's rejection, a middleware).</summary>
    public static ValueTask TooManyRequests(HttpContext context, TimeSpan? retryAfter) => new(RateLimited(retryAfter).ExecuteAsync(context));

    public static WebApplication UseProblemDetailsDefaults(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions { StatusCodeSelector = StatusCodeOf });
        app.UseStatusCodePagesAsProblems();
        return app;
    }

    /// <summary>
    /// A bare 4xx or 5xx (a routing miss, an unreadable body) gets a problem body with its stable type,
    /// written as JSON whatever the request's <c>Accept</c> says.
    /// </summary>
    public static WebApplication UseStatusCodePagesAsProblems(this WebApplication app)
    {
        app.UseStatusCodePages(context => ForStatus(context.HttpContext.Response.StatusCode).ExecuteAsync(context.HttpContext));
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
    /// Answers problem details, never an error page or the exception's text, for a request the framework
    /// could not read (a malformed form, a body cut off at its limit: the client's error, with its status)
    /// and for any failed request that is not a page view (re-executing a post against an error page
    /// would post again). A page view that fails is left to the service's error page, if it has one.
    /// </summary>
    private sealed class ProblemExceptionHandler : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
        {
            var pageView = HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method);
            if (context.Response.HasStarted || (pageView && exception is not BadHttpRequestException)) return false;
            await ForStatus(StatusCodeOf(exception)).ExecuteAsync(context);
            return true;
        }
    }
}

/// <summary>429 problem details with <c>Retry-After</c> in whole seconds (at least one, so a client that honours it never retries at once).</summary>
public sealed class RateLimitedHttpResult(TimeSpan? retryAfter) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => StatusCodes.Status429TooManyRequests;

    public int RetryAfterSeconds { get; } = Math.Max(1, (int)Math.Ceiling((retryAfter ?? TimeSpan.FromSeconds(1)).TotalSeconds));

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            detail: $"Too many requests; retry in {RetryAfterSeconds} s.", statusCode: StatusCodes.Status429TooManyRequests,
            title: "Slow down", type: ProblemTypes.RateLimited).ExecuteAsync(httpContext);
    }
}
