using System.Text.RegularExpressions;

namespace CuteRooms.Contracts;

/// <summary>A member of a room as others see it: the public id (never the token), the display name, whether connected now.</summary>
public sealed record MemberResponse(string Id, string Name, bool Online);

/// <summary>
/// One page of <c>GET /api/rooms/{id}/members</c>. <see cref="Next"/> is the cursor of the next page,
/// null on the last. Pages follow Redis's scan of the room's names (<c>HSCAN</c>): every member there
/// for the whole walk is listed, in no particular order, and the limit is a hint as SCAN's COUNT is:
/// a small room comes whole in one page, a large one in pages of about the limit.
/// </summary>
public sealed record MembersPage(IReadOnlyList<MemberResponse> Members, string? Next);

/// <summary>Body of <c>PATCH /api/rooms/{id}/members/me</c>.</summary>
public sealed record RenameRequest(string? Name);

/// <summary>
/// What became of one member, carried by presence events so that pages keep their member lists
/// without re-reading them: its name now (null: unchanged) and whether it is connected.
/// </summary>
public sealed record MemberChange(string Id, string? Name, bool Online);

/// <summary>Data of the SSE <c>typing</c> event: this member is typing now (shown for a few seconds).</summary>
public sealed record MemberTypingNotice(string Id, string Name);

/// <summary>What a display name may be.</summary>
public static class DisplayNames
{
    public const int MaxLength = 40;

    /// <summary>
    /// Why <paramref name="name"/> (trimmed) is refused, or null when it is fine. Invisible format
    /// characters (zero-width, bidi controls) are refused too: a name that looks like another's would
    /// pass the room's uniqueness check with one of them. Names render isolated anyway.
    /// </summary>
    public static string? Problem(string name)
    {
        if (name.Length is 0 or > MaxLength) return $"Between 1 and {MaxLength} characters after trimming.";
        foreach (var character in name)
        {
            if (char.GetUnicodeCategory(character) == System.Globalization.UnicodeCategory.Format)
                return $"Invisible formatting characters (here U+{(int)character:X4}) are not allowed in names.";
        }
        return TextRules.Problem(name, multiline: false);
    }
}

/// <summary>
/// The text of a message in an end-to-end encrypted room: <c>e2e1.</c>, the AES-GCM nonce (12 bytes)
/// and the ciphertext with its tag (at least 16 bytes), base64url without padding. The server only
/// checks the shape: it never has the key, which lives in the link's fragment.
/// </summary>
public static partial class EncryptedText
{
    public const string Prefix = "e2e1.";

    public static bool IsEnvelope(string text) => Envelope().IsMatch(text);

    [GeneratedRegex(@"^e2e1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22,}$")]
    private static partial Regex Envelope();
}
