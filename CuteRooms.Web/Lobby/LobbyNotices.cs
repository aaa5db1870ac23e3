namespace CuteRooms.Web.Lobby;

/// <summary>Why a visitor was sent back to the lobby (<c>/?notice=…</c>), and what the lobby tells them.</summary>
public static class LobbyNotices
{
    public const string RoomNotFound = "room-not-found";
    public const string RoomFull = "room-full";
    public const string RoomDestroyed = "room-destroyed";
    public const string RoomExpired = "room-expired";

    private static readonly Dictionary<string, string> Texts = new(StringComparer.Ordinal)
    {
        [RoomNotFound] = "That room doesn't exist or has expired.",
        [RoomFull] = "That room is full: it has reached its member limit.",
        [RoomDestroyed] = "The room was destroyed. Its messages are gone for good.",
        [RoomExpired] = "The room self-destructed after a quiet spell. Its messages are gone for good.",
    };

    public static string Url(string notice) => $"/?notice={notice}";

    /// <summary>The text of a known notice; unknown codes show nothing rather than echo the query.</summary>
    public static string? TextOf(string? notice) => notice is not null && Texts.TryGetValue(notice, out var text) ? text : null;
}
