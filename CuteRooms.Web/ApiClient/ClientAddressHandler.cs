namespace CuteRooms.Web.ApiClient;

/// <summary>
/// Tells the Api which browser a server-side call is made for (<c>X-Forwarded-For</c>), as the
/// gateway does for proxied calls: the Api's rate limits are per client address, and without this
/// every lobby visitor would share the Web's own address.
/// </summary>
public sealed class ClientAddressHandler(IHttpContextAccessor accessor) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (accessor.HttpContext?.Connection.RemoteIpAddress is { } address)
        {
            request.Headers.Remove("X-Forwarded-For");
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", address.ToString());
        }
        return base.SendAsync(request, cancellationToken);
    }
}
