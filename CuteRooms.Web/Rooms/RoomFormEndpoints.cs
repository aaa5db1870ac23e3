using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using CuteRooms.Contracts;
using CuteRooms.Web.Edge;
using CuteRooms.Web.Gatekeeper;
using CuteRooms.Web.Lobby;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CuteRooms.Web.Rooms;

/// <summary>
/// The room page's forms when JavaScript is off: plain posts (antiforgery-checked, as every form
/// binding is) that call the Api with the browser's cookie and redirect (post/redirect/get).
/// With JavaScript the page calls <c>/api/**</c> through the gateway instead.
/// </summary>
public static class RoomFormEndpoints
{
    public static WebApplication MapRoomForms(this WebApplication app)
    {
        var room = app.MapGroup("/room/{id}").AddEndpointFilter(RequireAntiforgeryToken);
        room.MapPost("/messages", PostMessageAsync);
        room.MapPost("/destroy", DestroyAsync);
        room.MapPost("/name", RenameAsync);
        return app;
    }

    internal static async Task<RedirectHttpResult> PostMessageAsync(
        string id, [FromForm] string? text, [FromForm] string? idempotencyKey, HttpRequest request, CuteRoomsApiClient api, CancellationToken cancellationToken)
    {
        if (AuthCookie.TokenFrom(request) is not { } token) return BackToRoom(id, RoomProblems.NotAdmitted);

        // The page renders a fresh key into the form: the same form sent twice stores one message.
        var key = IdempotencyKeys.IsValid(idempotencyKey) ? idempotencyKey : null;
        var posted = await api.PostMessageAsync(id, token, text ?? "", key, cancellationToken);
        if (posted.IsSuccess) return BackToRoom(id, problem: null);
        return posted.Status == HttpStatusCode.NotFound
            ? ToLobby(LobbyNotices.RoomNotFound)
            : BackToRoom(id, RoomProblems.CodeOf(posted.Problem));
    }

    internal static async Task<RedirectHttpResult> RenameAsync(
        string id, [FromForm] string? name, HttpRequest request, CuteRoomsApiClient api, CancellationToken cancellationToken)
    {
        if (AuthCookie.TokenFrom(request) is not { } token) return BackToRoom(id, RoomProblems.NotAdmitted);

        var renamed = await api.RenameAsync(id, token, name ?? "", cancellationToken);
        if (renamed.IsSuccess) return BackToRoom(id, problem: null);
        return renamed.Status switch
        {
            HttpStatusCode.NotFound => ToLobby(LobbyNotices.RoomNotFound),
            HttpStatusCode.Conflict => BackToRoom(id, RoomProblems.NameTaken),
            HttpStatusCode.BadRequest => BackToRoom(id, RoomProblems.NameInvalid),
            HttpStatusCode.TooManyRequests => BackToRoom(id, RoomProblems.RenamingTooOften),
            _ => BackToRoom(id, RoomProblems.CodeOf(renamed.Problem)),
        };
    }

    internal static async Task<RedirectHttpResult> DestroyAsync(
        string id, HttpRequest request, CuteRoomsApiClient api, CancellationToken cancellationToken)
    {
        if (AuthCookie.TokenFrom(request) is not { } token) return BackToRoom(id, RoomProblems.NotAdmitted);

        var destroyed = await api.DestroyRoomAsync(id, token, cancellationToken);
        if (destroyed.IsSuccess) return ToLobby(LobbyNotices.RoomDestroyed);
        return destroyed.Status == HttpStatusCode.NotFound
            ? ToLobby(LobbyNotices.RoomNotFound)
            : BackToRoom(id, RoomProblems.CodeOf(destroyed.Problem));
    }

    // Checked here for every form of the group, also those without fields to bind (destroy), which
    // the framework's antiforgery check would otherwise let pass: fail closed.
    private static async ValueTask<object?> RequireAntiforgeryToken(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var antiforgery = context.HttpContext.RequestServices.GetRequiredService<IAntiforgery>();
        if (!await antiforgery.IsRequestValidAsync(context.HttpContext))
        {
            return FormGuard.FormExpired();
        }
        return await next(context);
    }

    private static RedirectHttpResult BackToRoom(string id, string? problem) =>
        TypedResults.LocalRedirect(problem is null ? RoomPaths.Page(id) : $"{RoomPaths.Page(id)}?problem={problem}");

    private static RedirectHttpResult ToLobby(string notice) => TypedResults.LocalRedirect(LobbyNotices.Url(notice));
}
