using CuteRooms.Api.Limits;
using CuteRooms.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace CuteRooms.Api.Rooms;

public static class RoomEndpoints
{
    public static IEndpointRouteBuilder MapRoomEndpoints(this IEndpointRouteBuilder app)
    {
        var rooms = app.MapGroup("/api/rooms").WithTags("Rooms");
        rooms.MapPost("/", CreateRoom).RequireRateLimiting(AbuseLimits.CreateRoom);
        rooms.MapGet("/{id}", GetRoom);
        rooms.MapDelete("/{id}", DestroyRoom);

        // The gatekeeper's call. Not under /api: the Web's gateway forwards only /api/** and
        // /realtime/**, so a browser cannot reach it; only the Web's server side calls it.
        app.MapGroup("/internal/rooms").WithTags("Gatekeeper")
            .MapPost("/{id}/admissions", Admit);

        return app;
    }

    internal static async Task<Results<Created<RoomResponse>, ValidationProblem>> CreateRoom(
        CreateRoomRequest? request, [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey, HttpContext http,
        RoomStore store, IOptions<RoomOptions> options, RoomMetrics metrics)
    {
        request ??= new CreateRoomRequest();
        var limits = options.Value;
        var errors = new Dictionary<string, string[]>();

        var name = request.Name?.Trim();
        if (name is { Length: > 0 } && name.Length > limits.MaxNameLength)
            errors["name"] = [$"At most {limits.MaxNameLength} characters."];
        else if (name is { Length: > 0 } && TextRules.Problem(name, multiline: false) is { } nameProblem)
            errors["name"] = [nameProblem];
        if (string.IsNullOrEmpty(name))
            name = FriendlyNames.ForRoom();

        var ttl = request.TtlSeconds ?? limits.DefaultTtlSeconds;
        if (ttl < limits.MinTtlSeconds || ttl > limits.MaxTtlSeconds)
            errors["ttlSeconds"] = [$"Between {limits.MinTtlSeconds} and {limits.MaxTtlSeconds} seconds."];

        if (request.MaxMembers is { } max && (max < limits.MinMembersLimit || max > limits.MaxMembersLimit))
            errors["maxMembers"] = [$"Between {limits.MinMembersLimit} and {limits.MaxMembersLimit}, or absent for unlimited."];

        if (idempotencyKey is not null && !IdempotencyKeys.IsValid(idempotencyKey))
            errors[IdempotencyKeys.Header] = [IdempotencyKeys.Rule];

        if (errors.Count > 0) return ProblemResults.Invalid(errors);

        var room = await store.CreateAsync(name, ttl, request.MaxMembers, request.Encrypted ?? false,
            idempotencyKey is null ? null : (ClientAddress.Of(http), idempotencyKey));
        metrics.RoomCreated();
        return TypedResults.Created($"/api/rooms/{room.Id}", room);
    }

    internal static async Task<Results<Ok<RoomResponse>, ProblemHttpResult>> GetRoom(string id, RoomStore store) =>
        RoomIds.IsValid(id) && await store.GetAsync(id) is { } room
            ? TypedResults.Ok(room)
            : ProblemResults.RoomNotFound();

    internal static async Task<Results<Ok<AdmissionResponse>, ProblemHttpResult, RateLimitedHttpResult>> Admit(
        string id, AdmissionRequest? request, HttpContext http, RoomStore store, AdmissionLimiter limiter,
        IntegrationEventPublisher events, RoomMetrics metrics)
    {
        if (!RoomIds.IsValid(id)) return ProblemResults.RoomNotFound();

        var presented = request?.Token;
        var isNewToken = !RoomIds.IsValid(presented);
        var token = isNewToken ? RoomIds.NewId() : presented!;

        // Only an admission that adds a member counts against the address's limit.
        if ((isNewToken || !await store.IsMemberAsync(id, token))
            && await limiter.RefusalAsync(ClientAddress.Of(http), http.RequestAborted) is { } retryAfter)
        {
            metrics.AdmissionLimited();
            return ProblemDetailsDefaults.RateLimited(retryAfter);
        }

        var admission = await store.AdmitAsync(id, token);
        switch (admission.Outcome)
        {
            case RoomOutcome.Missing: return ProblemResults.RoomNotFound();
            case RoomOutcome.Full: metrics.AdmissionRefused(); return ProblemResults.RoomFull();
        }

        if (admission.Joined)
        {
            metrics.MemberJoined();
            // The gatekeeper's page never waits for the broker. A newcomer is listed, not yet online.
            events.PublishInBackground(new PresenceChanged(id, [new MemberChange(AuthorIds.For(id, token), admission.DisplayName, Online: false)]));
        }
        return TypedResults.Ok(new AdmissionResponse(token, isNewToken, admission.DisplayName!, AuthorIds.For(id, token), admission.Room!));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DestroyRoom(
        string id, HttpRequest http, RoomStore store, IntegrationEventPublisher events)
    {
        if (AuthCookie.TokenFrom(http) is not { } token) return ProblemResults.MissingToken();
        if (!RoomIds.IsValid(id)) return ProblemResults.RoomNotFound();

        switch (await store.DestroyAsync(id, token))
        {
            case RoomOutcome.Missing: return ProblemResults.RoomNotFound();
            case RoomOutcome.Forbidden: return ProblemResults.NotAMember();
        }

        await events.PublishAsync(new RoomDestroyed(id));
        return TypedResults.NoContent();
    }
}
