using CuteRooms.Contracts;

namespace CuteRooms.Web.Gateway;

/// <summary>
/// CSRF defence for the gateway. The browser's identity is a cookie, so a state-changing call must
/// come from our own pages: refused when the browser says it comes from anywhere but this origin
/// (<c>Sec-Fetch-Site</c>) or when it names an <c>Origin</c> on another host. Reads (GET, and the SSE stream) pass.
/// </summary>
public static class CrossSiteRequestGuard
{
    public static async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        if (IsStateChanging(context.Request.Method) && IsCrossSite(context.Request))
        {
            await TypedResults.Problem(
                detail: "State-changing requests are accepted only from CuteRooms' own pages.",
                statusCode: StatusCodes.Status403Forbidden,
                title: "Cross-site request refused",
                type: ProblemTypes.CrossSiteRequest).ExecuteAsync(context);
            return;
        }
        await next();
    }

    private static bool IsStateChanging(string method) =>
        HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);

    public static bool IsCrossSite(HttpRequest request)
    {
        // CuteRooms has exactly one origin: a sibling subdomain ("same-site") is as foreign as any other
        // site. "none" is the user's own navigation.
        var fetchSite = request.Headers["Sec-Fetch-Site"].ToString();
        if (fetchSite.Length > 0)
            return !fetchSite.Equals("same-origin", StringComparison.OrdinalIgnoreCase)
                && !fetchSite.Equals("none", StringComparison.OrdinalIgnoreCase);

        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0) return false; // not a browser, or a same-origin GET-like request

        // "null" (an opaque origin such as a sandboxed frame) and anything unparsable count as foreign.
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var originUri)) return true;

        // Without a port in Host the default port of the origin's scheme applies, so a TLS-terminating
        // proxy in front (https origin, plain http request) still compares equal.
        var host = request.Host;
        return !string.Equals(originUri.Host, host.Host, StringComparison.OrdinalIgnoreCase)
            || originUri.Port != (host.Port ?? originUri.Port);
    }
}
