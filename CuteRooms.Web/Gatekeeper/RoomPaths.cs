namespace CuteRooms.Web.Gatekeeper;

/// <summary>The room page's address, <c>/room/{id}</c>, known to the gatekeeper and the pages alike.</summary>
public static class RoomPaths
{
    public static string Page(string roomId) => $"/room/{Uri.EscapeDataString(roomId)}";

    /// <summary>
    /// The id in <c>/room/{id}</c> (exactly one segment after <c>/room</c>; a trailing slash, as link
    /// previews and chat apps add, is the same page), otherwise null.
    /// </summary>
    public static string? RoomIdOfPage(PathString path)
    {
        if (!path.StartsWithSegments("/room", StringComparison.OrdinalIgnoreCase, out var rest)) return null;
        var id = rest.Value?.Trim('/') ?? "";
        return id.Length > 0 && !id.Contains('/') ? id : null;
    }
}
