using CuteRooms.Contracts;
using Microsoft.AspNetCore.Mvc;

namespace CuteRooms.Web.Rooms;

/// <summary>
/// Why a no-JavaScript form post on the room page failed (<c>/room/{id}?problem=…</c>, after the
/// redirect back) and what the page then says. Codes, not texts, travel in the URL.
/// </summary>
public static class RoomProblems
{
    public const string MessageInvalid = "message-invalid";
    public const string SlowDown = "slow-down";
    public const string NotAdmitted = "not-admitted";
    public const string Unexpected = "unexpected";
    public const string NameTaken = "name-taken";
    public const string NameInvalid = "name-invalid";
    public const string RenamingTooOften = "renaming-too-often";

    private static readonly Dictionary<string, string> Texts = new(StringComparer.Ordinal)
    {
        [MessageInvalid] = "A message needs 1 to 2000 characters.",
        [SlowDown] = "You're sending messages faster than the room allows; wait a moment.",
        [NotAdmitted] = "Your browser was not admitted to this room yet; it is now, so please try again.",
        [Unexpected] = "That didn't work; please try again.",
        [NameTaken] = "Someone in this room already goes by that name.",
        [NameInvalid] = "A name needs 1 to 40 characters, without control or invisible characters.",
        [RenamingTooOften] = "You're renaming faster than the room allows; wait a moment.",
    };

    public static string? TextOf(string? code) => code is not null && Texts.TryGetValue(code, out var text) ? text : null;

    public static string CodeOf(ProblemDetails? problem) => problem?.Type switch
    {
        ProblemTypes.ValidationFailed or ProblemTypes.PayloadTooLarge => MessageInvalid,
        ProblemTypes.RateLimited => SlowDown,
        ProblemTypes.MissingToken or ProblemTypes.NotAMember => NotAdmitted,
        _ => Unexpected,
    };
}
