using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace CuteRooms.Contracts;

/// <summary>
/// The <c>Idempotency-Key</c> a client puts on a create or a post so that sending it again (a retry
/// after a timeout, a double submit) stores it once: the Api answers the repeat with what the first
/// one stored. Keys are remembered for ten minutes, per room and member (posts) or per client address (rooms).
/// </summary>
public static class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";

    /// <summary>How long a key is remembered.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    /// <summary>What <see cref="IsValid"/> accepts, in words for a validation problem.</summary>
    public const string Rule = "8 to 64 letters, digits, '-' or '_'.";

    /// <summary>8 to 64 characters of letters, digits, <c>-</c> and <c>_</c> (a UUID or a nanoid fits).</summary>
    public static bool IsValid(string? key) =>
        key is { Length: >= 8 and <= 64 } && !key.AsSpan().ContainsAnyExcept(Allowed);

    public static string NewKey() => RoomIds.NewId();

    /// <summary>A fixed-length digest of the key within its scope, for a Redis key name.</summary>
    public static string Digest(string scope, string key)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{scope}\n{key}"), hash);
        return Convert.ToBase64String(hash[..18]).Replace('+', '-').Replace('/', '_');
    }
}
