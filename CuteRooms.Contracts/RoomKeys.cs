using System.Security.Cryptography;
using System.Text;

namespace CuteRooms.Contracts;

/// <summary>
/// The Redis keys of one room. The id sits in a hash tag (<c>{id}</c>) so a Redis Cluster keeps a
/// room on one slot and the multi-key scripts stay atomic. Scripts take <see cref="All"/> in this order.
/// </summary>
public readonly record struct RoomKeys(string RoomId)
{
    public string Meta => $"room:{{{RoomId}}}:meta";
    public string Members => $"room:{{{RoomId}}}:members";
    public string Online => $"room:{{{RoomId}}}:online";
    public string Names => $"room:{{{RoomId}}}:names";
    public string Messages => $"room:{{{RoomId}}}:messages";

    /// <summary>Left for a minute by a destroy, so a room that is gone can be told destroyed from expired.</summary>
    public string Destroyed => $"room:{{{RoomId}}}:destroyed";

    public string[] All => [Meta, Members, Online, Names, Messages];

    /// <summary>Set for a moment when a member's typing was announced: announcements closer together are coalesced.</summary>
    public string Typing(string authorId) => $"room:{{{RoomId}}}:typing:{authorId}";

    /// <summary>
    /// The message a member's post with this idempotency key stored (its id), for ten minutes or the
    /// room's lifetime. In the room's slot, so the post script checks and writes it atomically.
    /// </summary>
    public string Sent(string token, string idempotencyKey) => $"room:{{{RoomId}}}:sent:{IdempotencyKeys.Digest(token, idempotencyKey)}";
}

/// <summary>The public id of a member in a room: lets a page set own messages apart without revealing tokens.</summary>
public static class AuthorIds
{
    public static string For(string roomId, string token)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{roomId}:{token}"), hash);
        return Convert.ToBase64String(hash[..9]).Replace('+', '-').Replace('/', '_');
    }
}

/// <summary>Field names of a message entry in <c>room:{id}:messages</c>.</summary>
public static class MessageFields
{
    public const string Author = "author";
    public const string AuthorId = "authorId";
    public const string Text = "text";
    public const string SentAt = "sentAt";

    public static MessageResponse ToMessage(string id, Func<string, string?> field) => new(
        id,
        field(Author) ?? "anonymous",
        field(AuthorId) ?? "",
        field(Text) ?? "",
        DateTimeOffset.FromUnixTimeMilliseconds(long.TryParse(field(SentAt), out var ms) ? ms : 0));
}

/// <summary>Stream ids (<c>ms-seq</c>) compared in the room's order.</summary>
public static class StreamIds
{
    public static bool TryParse(string? id, out (long Ms, long Seq) parsed)
    {
        parsed = default;
        if (id is null) return false;
        var dash = id.IndexOf('-');
        return dash > 0
            && long.TryParse(id.AsSpan(0, dash), System.Globalization.NumberStyles.None, null, out parsed.Ms)
            && long.TryParse(id.AsSpan(dash + 1), System.Globalization.NumberStyles.None, null, out parsed.Seq);
    }

    public static bool IsValid(string? id) => TryParse(id, out _);

    /// <summary>Negative when <paramref name="a"/> comes before <paramref name="b"/>; both must be valid ids.</summary>
    public static int Compare(string a, string b)
    {
        TryParse(a, out var x);
        TryParse(b, out var y);
        return x.CompareTo(y);
    }
}
