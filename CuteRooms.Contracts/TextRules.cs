namespace CuteRooms.Contracts;

/// <summary>
/// What text a room name or a message may hold. Control characters (C0, DEL, C1, NUL among them)
/// are refused, except newline and tab in messages; the pages render all text isolated
/// (<c>&lt;bdi&gt;</c>, <c>dir="auto"</c>), so bidi controls stay inside their own text.
/// </summary>
public static class TextRules
{
    /// <summary>Why <paramref name="text"/> is refused, or null when it is fine.</summary>
    public static string? Problem(string text, bool multiline)
    {
        foreach (var character in text)
        {
            if (!char.IsControl(character)) continue;
            if (multiline && character is '\n' or '\t' or '\r') continue; // CR: a form's CRLF, stored as LF
            return multiline
                ? $"Control characters (here U+{(int)character:X4}) are not allowed, other than newline and tab."
                : $"Control characters (here U+{(int)character:X4}) are not allowed.";
        }
        return null;
    }
}
