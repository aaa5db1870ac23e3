using CuteRooms.Contracts;
using System.ComponentModel.DataAnnotations;

namespace CuteRooms.Web.Lobby;

/// <summary>The lobby's create form; the Api validates again and its problems are shown per field.</summary>
public sealed class CreateRoomForm
{
    public const int MaxNameLength = 60;

    [StringLength(MaxNameLength, ErrorMessage = "At most 60 characters.")]
    public string? Name { get; set; }

    public int TtlSeconds { get; set; } = Lifetimes[0].Seconds;

    /// <summary>Rendered into the form: a resubmit of the same form (after a timeout, a double click) gets the same room.</summary>
    public string IdempotencyKey { get; set; } = IdempotencyKeys.NewKey();

    [Range(2, 100_000, ErrorMessage = "Between 2 and 100000, or empty for unlimited.")]
    public int? MaxMembers { get; set; }

    /// <summary>End-to-end encrypted: the lobby's script puts a fresh key in the room link's fragment.</summary>
    public bool Encrypted { get; set; }

    /// <summary>How long a room lives after its last activity.</summary>
    public static IReadOnlyList<Lifetime> Lifetimes { get; } =
    [
        new(600, "10 minutes"),
        new(3_600, "1 hour"),
        new(86_400, "1 day"),
    ];

    public sealed record Lifetime(int Seconds, string Label);
}
