using System.Net;
using CuteRooms.Contracts;
using CuteRooms.Web.Lobby;
using Microsoft.Extensions.Options;

namespace CuteRooms.Web.Gatekeeper;

/// <summary>
/// Runs on <c>GET /room/{id}</c> before anything renders: asks the Api to admit the browser's token
/// (or a newcomer), hands out the cookie for a new token, and sends whoever is not admitted back
/// to the lobby with a notice. The room page is never rendered for a visitor it did not admit.
/// </summary>
public sealed class GatekeeperMiddleware(RequestDelegate next, IOptions<GatekeeperOptions> options, ILogger<GatekeeperMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context, CuteRoomsApiClient api, RoomAdmission admission)
    {
        var roomId = RoomPaths.RoomIdOfPage(context.Request.Path)!;
        if (!RoomIds.IsValid(roomId))
        {
            context.Response.Redirect(LobbyNotices.Url(LobbyNotices.RoomNotFound));
            return;
        }

        var presented = context.Request.Cookies[AuthCookie.Name];
        var result = await api.AdmitAsync(roomId, presented, context.RequestAborted);
        if (!result.IsSuccess || result.Value is not { } admitted)
        {
            switch (result.Status)
            {
                case HttpStatusCode.NotFound:
                    context.Response.Redirect(LobbyNotices.Url(LobbyNotices.RoomNotFound));
                    return;
                case HttpStatusCode.Conflict:
                    context.Response.Redirect(LobbyNotices.Url(LobbyNotices.RoomFull));
                    return;
                case HttpStatusCode.TooManyRequests:
                    // Too many new members from this address: the Api's own answer, with its Retry-After.
                    await ProblemDetailsDefaults.TooManyRequests(context, result.RetryAfter);
                    return;
                default:
                    logger.LogWarning("Admission to a room failed with {Status} {ProblemType}", (int)result.Status, result.Problem?.Type);
                    throw new InvalidOperationException($"The gatekeeper could not admit the visitor: {(int)result.Status} {result.Problem?.Type}.");
            }
        }

        if (admitted.IsNewToken)
        {
            context.Response.Cookies.Append(AuthCookie.Name, admitted.Token, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Lax, // sent when the link is followed from elsewhere
                Secure = context.Request.IsHttps,
                Path = "/",
                IsEssential = true,
                MaxAge = options.Value.CookieLifetime,
            });
        }

        admission.Current = admitted;
        // The page shows live state and this visitor's identity: never from a cache. (The same value
        // antiforgery sets for the page's forms, so it has nothing to override and warn about.)
        context.Response.Headers.CacheControl = "no-cache, no-store";
        await next(context);
    }
}
