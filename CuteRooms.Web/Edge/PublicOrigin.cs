using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace CuteRooms.Web.Edge;

/// <summary>Where browsers reach CuteRooms, from the <c>PublicOrigin</c> configuration section; validated on start.</summary>
public sealed class PublicOriginOptions : IValidatableObject
{
    public const string SectionName = "PublicOrigin";

    /// <summary>
    /// The origin browsers use, such as <c>https://rooms.example</c> (behind a TLS-terminating proxy,
    /// its https). Unset, it is the address the Web listens on (the AppHost's <c>http://127.0.0.1:8080</c>).
    /// </summary>
    public Uri? Url { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Url is not null && (!Url.IsAbsoluteUri || Url.Scheme is not ("http" or "https") || Url.PathAndQuery != "/"))
            yield return new ValidationResult("PublicOrigin:Url is an origin: http or https, a host, an optional port and no path.");
    }
}

/// <summary>
/// Replaces the request's <c>Host</c> with the public origin's before anything reads it, so that a
/// forged <c>Host</c> header never reaches a share link, a redirect, a cookie or the cross-site check.
/// The scheme comes from the connection or from <c>X-Forwarded-Proto</c> of a trusted proxy; a
/// configured https origin makes every request https (its cookies <c>Secure</c>).
/// </summary>
public sealed class PublicOrigin(IOptions<PublicOriginOptions> options, IServer server, ILogger<PublicOrigin> logger)
{
    private Uri? origin;

    public Uri Origin => origin ??= options.Value.Url ?? ListeningOrigin();

    public Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        var request = context.Request;
        request.Host = HostString.FromUriComponent(Origin);
        if (options.Value.Url?.Scheme == Uri.UriSchemeHttps) request.Scheme = Uri.UriSchemeHttps;
        return next();
    }

    private Uri ListeningOrigin()
    {
        var listening = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost";
        // A wildcard binding (http://+:8080, http://0.0.0.0:8080) names no host a browser can use.
        var wildcard = listening.Replace("://+", "://localhost").Replace("://*", "://localhost").Replace("://0.0.0.0", "://localhost").Replace("://[::]", "://localhost");
        var uri = new Uri(wildcard);
        if (wildcard != listening)
            logger.LogWarning("PublicOrigin:Url is not set and the Web listens on every address: links name {Origin}; set PublicOrigin:Url", uri.GetLeftPart(UriPartial.Authority));
        else
            logger.LogInformation("PublicOrigin:Url is not set: links name {Origin}, where the Web listens", uri.GetLeftPart(UriPartial.Authority));
        return new Uri(uri.GetLeftPart(UriPartial.Authority));
    }
}
