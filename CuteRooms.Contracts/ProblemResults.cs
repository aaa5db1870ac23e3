using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CuteRooms.Contracts;

/// <summary>The errors the Api and Realtime answer about rooms, each with its stable <c>type</c>.</summary>
public static class ProblemResults
{
    public static ProblemHttpResult RoomNotFound() => Problem(StatusCodes.Status404NotFound, ProblemTypes.RoomNotFound,
        "Room not found", "The room does not exist, has expired or was destroyed.");

    public static ProblemHttpResult MissingToken() => Problem(StatusCodes.Status401Unauthorized, ProblemTypes.MissingToken,
        "Not admitted", "Open the room's link first: the gatekeeper gives your browser its token.");

    public static ProblemHttpResult NotAMember() => Problem(StatusCodes.Status403Forbidden, ProblemTypes.NotAMember,
        "Not a member", "Your token was not admitted to this room.");

    public static ProblemHttpResult RoomFull() => Problem(StatusCodes.Status409Conflict, ProblemTypes.RoomFull,
        "Room is full", "The room has reached its member limit.");

    public static ProblemHttpResult NameTaken() => Problem(StatusCodes.Status409Conflict, ProblemTypes.NameTaken,
        "Name taken", "Another member of this room already goes by that name.");

    public static ProblemHttpResult IdempotencyKeyReused() => Problem(StatusCodes.Status422UnprocessableEntity, ProblemTypes.IdempotencyKeyReused,
        "Idempotency key reused", "This Idempotency-Key was already used for a different message; send a new key for new text.");

    public static ValidationProblem Invalid(string field, string message) =>
        Invalid(new Dictionary<string, string[]> { [field] = [message] });

    public static ValidationProblem Invalid(Dictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors,
            detail: string.Join(" ", errors.Select(error => $"{error.Key}: {string.Join(" ", error.Value)}")),
            title: "The request is not valid", type: ProblemTypes.ValidationFailed);

    private static ProblemHttpResult Problem(int status, string type, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title, type: type);
}
