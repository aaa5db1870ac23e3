using CuteRooms.Api.Limits;
using CuteRooms.Api.Rooms;
using CuteRooms.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CuteRooms.Api.Members;

/// <summary>Who is in a room, renaming yourself, and saying you are typing. Members only.</summary>
public static class MemberEndpoints
{
    public const int DefaultPage = 100;
    public const int MaxPage = 500;

    public static IEndpointRouteBuilder MapMemberEndpoints(this IEndpointRouteBuilder app)
    {
        var room = app.MapGroup("/api/rooms/{id}").WithTags("Members");
        room.MapGet("/members", ListMembers);
        room.MapPatch("/members/me", Rename).RequireRateLimiting(AbuseLimits.MemberUpdate);
        room.MapPost("/typing", Typing).RequireRateLimiting(AbuseLimits.MemberUpdate);
        return app;
    }

    internal static async Task<Results<Ok<MembersPage>, ValidationProblem, ProblemHttpResult>> ListMembers(
        string id, string? cursor, int? limit, HttpRequest http, RoomStore store)
    {
        if (AuthCookie.TokenFrom(http) is not { } token) return ProblemResults.MissingToken();
        if (!RoomIds.IsValid(id)) return ProblemResults.RoomNotFound();
        if (cursor is not null && !ulong.TryParse(cursor, System.Globalization.NumberStyles.None, null, out _))
            return ProblemResults.Invalid("cursor", "The cursor of a previous page (its 'next').");
        if (limit is < 1 || limit > MaxPage)
            return ProblemResults.Invalid("limit", $"Between 1 and {MaxPage}.");

        var members = await store.ReadMembersAsync(id, token, cursor, limit ?? DefaultPage);
        return members.Outcome switch
        {
            RoomOutcome.Missing => ProblemResults.RoomNotFound(),
            RoomOutcome.Forbidden => ProblemResults.NotAMember(),
            _ => TypedResults.Ok(members.Page!),
        };
    }

    internal static async Task<Results<Ok<MemberResponse>, ValidationProblem, ProblemHttpResult>> Rename(
        string id, RenameRequest request, HttpRequest http, RoomStore store, IntegrationEventPublisher events)
    {
        if (AuthCookie.TokenFrom(http) is not { } token) return ProblemResults.MissingToken();
        if (!RoomIds.IsValid(id)) return ProblemResults.RoomNotFound();
        var name = request.Name?.Trim() ?? "";
        if (DisplayNames.Problem(name) is { } problem) return ProblemResults.Invalid("name", problem);

        var renamed = await store.RenameAsync(id, token, name);
        switch (renamed.Outcome)
        {
            case RoomOutcome.Missing: return ProblemResults.RoomNotFound();
            case RoomOutcome.Forbidden: return ProblemResults.NotAMember();
            case RoomOutcome.NameTaken: return ProblemResults.NameTaken();
        }
        var member = renamed.Member!;
        events.PublishInBackground(new PresenceChanged(id, [new MemberChange(member.Id, member.Name, member.Online)]));
        return TypedResults.Ok(member);
    }

    /// <summary>202 whether announced or coalesced with one that just went out: the client cannot tell, nor needs to.</summary>
    internal static async Task<Results<Accepted, ProblemHttpResult>> Typing(
        string id, HttpRequest http, RoomStore store, IntegrationEventPublisher events, IOptions<RoomOptions> options)
    {
        if (AuthCookie.TokenFrom(http) is not { } token) return ProblemResults.MissingToken();
        if (!RoomIds.IsValid(id)) return ProblemResults.RoomNotFound();

        var typing = await store.TypingAsync(id, token, options.Value.TypingCoalescing);
        switch (typing.Outcome)
        {
            case RoomOutcome.Missing: return ProblemResults.RoomNotFound();
            case RoomOutcome.Forbidden: return ProblemResults.NotAMember();
            case RoomOutcome.Ok: events.PublishInBackground(new MemberTyping(id, typing.Notice!)); break;
        }
        return TypedResults.Accepted((string?)null);
    }
}
