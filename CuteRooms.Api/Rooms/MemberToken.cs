using CuteRooms.Contracts;

namespace CuteRooms.Api.Rooms;

/// <summary>The caller's token from the <c>x-auth-token</c> cookie; a malformed one counts as none.</summary>
public static class MemberToken
{
    public static string? From(HttpRequest request) =>
        request.Cookies.TryGetValue(AuthCookie.Name, out var token) && RoomIds.IsValid(token) ? token : null;
}
