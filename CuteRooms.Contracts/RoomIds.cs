using System.Buffers;
using System.Security.Cryptography;

namespace CuteRooms.Contracts;

/// <summary>
/// Room ids and tokens: 21 characters of nanoid's URL-safe alphabet (126 bits). A room's link is
/// its only key, so it must be unguessable; the Nanoid package is not on our registry.
/// </summary>
public static class RoomIds
{
    public const string Alphabet = "useandom-26T198340PX75pxJACKVERYMINDBUSHWOLF_GQZbfghjklqvwyzrict";
    public const int Length = 21;

    private static readonly SearchValues<char> AlphabetChars = SearchValues.Create(Alphabet);

    public static string NewId() => RandomNumberGenerator.GetString(Alphabet, Length);

    public static bool IsValid(string? value) =>
        value is { Length: Length } && !value.AsSpan().ContainsAnyExcept(AlphabetChars);
}

/// <summary>Where the browser's identity travels.</summary>
public static class AuthCookie
{
    public const string Name = "x-auth-token";

    /// <summary>The caller's token from the cookie; a malformed one counts as none.</summary>
    public static string? TokenFrom(Microsoft.AspNetCore.Http.HttpRequest request) =>
        request.Cookies.TryGetValue(Name, out var token) && RoomIds.IsValid(token) ? token : null;
}
