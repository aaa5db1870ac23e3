using CuteRooms.Api.Limits;
using CuteRooms.Api.Rooms;
using CuteRooms.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace CuteRooms.Api.Messages;

public static class MessageEndpoints
{
    public static IEndpointRouteBuilder MapMessageEndpoints(this IEndpointRouteBuilder app)
    {
        var messages = app.MapGroup("/api/rooms/{id}/messages").WithTags("Messages");
        messages.MapGet("/", ReadHistory);
        messages.MapPost("/", PostMessage).RequireRateLimiting(AbuseLimits.PostMessage);
        return app;
    }

    internal static async Task<Results<Ok<IReadOnlyList<MessageResponse>>, ValidationProblem, ProblemHttpResult>> ReadHistory(
        string id, string? after, int? limit, HttpRequest http, RoomStore store, IOptions<RoomOptions> options)
    {
        if (AuthCookie.TokenFrom(http) is not { } token) return ProblemResults.MissingToken();
        if (!RoomIds.IsValid(id)) return ProblemResults.RoomNotFound();

        var limits = options.Value;
        if (after is not null && !StreamIds.IsValid(after))
            return ProblemResults.Invalid("after", "A message id such as 1700000000000-0.");
        if (limit is < 1 || limit > limits.MaxHistoryPage)
            return ProblemResults.Invalid("limit", $"Between 1 and {limits.MaxHistoryPage}.");

        var history = await store.ReadHistoryAsync(id, token, after, limit ?? limits.DefaultHistoryPage);
        return history.Outcome switch
        {
            RoomOutcome.Missing => ProblemResults.RoomNotFound(),
            RoomOutcome.Forbidden => ProblemResults.NotAMember(),
            _ => TypedResults.Ok(history.Messages),
        };
    }

    internal static async Task<Results<Created<MessageResponse>, ValidationProblem, ProblemHttpResult>> PostMessage(
        string id, PostMessageRequest request, [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey,
        HttpRequest http, RoomStore store, IntegrationEventPublisher events, IOptions<RoomOptions> options, MessageMetrics metrics)
    {
        if (AuthCookie.TokenFrom(http) is not { } token) return ProblemResults.MissingToken();
        if (!RoomIds.IsValid(id)) return ProblemResults.RoomNotFound();

        if (TextRules.Problem(request.Text ?? "", multiline: true) is { } textProblem)
            return ProblemResults.Invalid("text", textProblem);
        // A form post's textarea sends CRLF; one kind of newline is stored.
        var text = request.Text?.Replace("\r\n", "\n").Replace('\r', '\n').Trim() ?? "";
        var maxLength = options.Value.MaxMessageLength;
        if (text.Length == 0 || text.Length > maxLength)
            return ProblemResults.Invalid("text", $"Between 1 and {maxLength} characters after trimming.");
        if (idempotencyKey is not null && !IdempotencyKeys.IsValid(idempotencyKey))
            return ProblemResults.Invalid(IdempotencyKeys.Header, IdempotencyKeys.Rule);

        var stored = await store.AppendMessageAsync(id, token, text, idempotencyKey);
        switch (stored.Outcome)
        {
            case RoomOutcome.Missing: return ProblemResults.RoomNotFound();
            case RoomOutcome.Forbidden: return ProblemResults.NotAMember();
            case RoomOutcome.KeyReused: return ProblemResults.IdempotencyKeyReused();
            case RoomOutcome.Plaintext:
                return ProblemResults.Invalid("text", "This room is end-to-end encrypted: messages are encrypted in the browser, with the key in the room's full link.");
            case RoomOutcome.Replayed: // stored and announced the first time
                return TypedResults.Created($"/api/rooms/{id}/messages?after={stored.Message!.Id}", stored.Message);
        }

        var message = stored.Message!;
        metrics.MessagePosted();
        // Answered as soon as it is stored: a slow or absent broker never holds up a post (the
        // replicas find a message whose event is late or lost in the stream).
        events.PublishInBackground(new MessagePosted(id, stored.PreviousId, message));
        return TypedResults.Created($"/api/rooms/{id}/messages?after={message.Id}", message);
    }
}
