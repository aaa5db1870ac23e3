using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc;

namespace CuteRooms.Contracts;

/// <summary>The answer of an API call: the value on success, otherwise the problem the API gave.</summary>
public sealed record ApiResult<T>(HttpStatusCode Status, T? Value, ProblemDetails? Problem)
{
    /// <summary>What the Api's <c>Retry-After</c> said, on a 429.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public bool IsSuccess => Problem is null && (int)Status is >= 200 and < 300;
}

/// <summary>
/// Typed client of <c>CuteRooms.Api</c>: what the Web's gatekeeper and pages call. The caller's
/// token travels as the same <c>x-auth-token</c> cookie a browser sends through the gateway.
/// </summary>
public sealed class CuteRoomsApiClient(HttpClient http)
{
    /// <param name="idempotencyKey">The same key on a repeat of this create (a retry, a resubmitted form) gets the same room.</param>
    public Task<ApiResult<RoomResponse>> CreateRoomAsync(CreateRoomRequest request, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        SendAsync<RoomResponse>(HttpMethod.Post, "api/rooms", token: null, JsonContent.Create(request), cancellationToken, idempotencyKey);

    public Task<ApiResult<RoomResponse>> GetRoomAsync(string roomId, CancellationToken cancellationToken = default) =>
        SendAsync<RoomResponse>(HttpMethod.Get, $"api/rooms/{Uri.EscapeDataString(roomId)}", token: null, content: null, cancellationToken);

    /// <summary>The gatekeeper: admits the holder of <paramref name="token"/> (or a newcomer) to the room.</summary>
    public Task<ApiResult<AdmissionResponse>> AdmitAsync(string roomId, string? token, CancellationToken cancellationToken = default) =>
        SendAsync<AdmissionResponse>(HttpMethod.Post, $"internal/rooms/{Uri.EscapeDataString(roomId)}/admissions", token: null,
            JsonContent.Create(new AdmissionRequest(token)), cancellationToken);

    public Task<ApiResult<IReadOnlyList<MessageResponse>>> GetMessagesAsync(string roomId, string token, string? after = null, int? limit = null, CancellationToken cancellationToken = default)
 =>
        SendAsync<IReadOnlyList<MessageResponse>>(HttpMethod.Get,
            WithQuery($"api/rooms/{Uri.EscapeDataString(roomId)}/messages", ("after", after), ("limit", limit?.ToString(CultureInfo.InvariantCulture))),
            token, content: null, cancellationToken);

    /// <param name="idempotencyKey">The same key on a repeat of this post stores the message once.</param>
    public Task<ApiResult<MessageResponse>> PostMessageAsync(string roomId, string token, string text, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        SendAsync<MessageResponse>(HttpMethod.Post, $"api/rooms/{Uri.EscapeDataString(roomId)}/messages", token,
            JsonContent.Create(new PostMessageRequest(text)), cancellationToken, idempotencyKey);

    public Task<ApiResult<MembersPage>> GetMembersAsync(string roomId, string token, int? limit = null, string? cursor = null, CancellationToken cancellationToken = default)
 =>
        SendAsync<MembersPage>(HttpMethod.Get,
            WithQuery($"api/rooms/{Uri.EscapeDataString(roomId)}/members", ("cursor", cursor), ("limit", limit?.ToString(CultureInfo.InvariantCulture))),
            token, content: null, cancellationToken);

    public Task<ApiResult<MemberResponse>> RenameAsync(string roomId, string token, string name, CancellationToken cancellationToken = default) =>
        SendAsync<MemberResponse>(HttpMethod.Patch, $"api/rooms/{Uri.EscapeDataString(roomId)}/members/me", token,
            JsonContent.Create(new RenameRequest(name)), cancellationToken);

    public Task<ApiResult<object>> DestroyRoomAsync(string roomId, string token, CancellationToken cancellationToken = default) =>
        SendAsync<object>(HttpMethod.Delete, $"api/rooms/{Uri.EscapeDataString(roomId)}", token, content: null, cancellationToken);

    /// <summary>The path with the parameters that have a value, escaped.</summary>
    private static string WithQuery(string path, params (string Name, string? Value)[] parameters)
    {
        var query = string.Join('&', parameters.Where(parameter => parameter.Value is not null)
            .Select(parameter => $"{parameter.Name}={Uri.EscapeDataString(parameter.Value!)}"));
        return query.Length == 0 ? path : $"{path}?{query}";
    }

    private async Task<ApiResult<T>> SendAsync<T>(HttpMethod method, string uri, string? token, HttpContent? content, CancellationToken cancellationToken, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, uri) { Content = content };
        if (token is not null)
        {
            request.Headers.Add("Cookie", $"{AuthCookie.Name}={token}");
        }
        if (idempotencyKey is not null)
        {
            request.Headers.Add(IdempotencyKeys.Header, idempotencyKey);
        }

        using var response = await http.SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            var value = response.StatusCode == HttpStatusCode.NoContent
                ? default
                : await response.Content.ReadFromJsonAsync<T>(cancellationToken);
            return new ApiResult<T>(response.StatusCode, value, null);
        }

        var problem = await ReadProblemAsync(response, cancellationToken);
        return new ApiResult<T>(response.StatusCode, default, problem) { RetryAfter = response.Headers.RetryAfter?.Delta };
    }

    private static async Task<ProblemDetails> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentType?.MediaType == "application/problem+json")
        {
            var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>(cancellationToken);
            if (problem is not null) return problem;
        }
        return new ProblemDetails { Status = (int)response.StatusCode, Title = response.ReasonPhrase, Type = ProblemTypes.Unexpected };
    }
}
