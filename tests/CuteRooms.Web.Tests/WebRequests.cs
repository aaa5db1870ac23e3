using System.Net;
using System.Net.Http.Json;
using CuteRooms.Contracts;
using Microsoft.AspNetCore.Mvc;

namespace CuteRooms.Web.Tests;

/// <summary>The calls a browser's page makes through the Web origin, for tests that act as a plain client.</summary>
public static class WebRequests
{
    /// <summary>A state-changing call as the room page's script sends it (same origin).</summary>
    public static HttpRequestMessage SameOrigin(HttpMethod method, string path, object? body = null, string? token = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("Sec-Fetch-Site", "same-origin");
        if (token is not null) request.Headers.Add("Cookie", $"{AuthCookie.Name}={token}");
        return request;
    }

    public static async Task<HttpResponseMessage> CreateRoomAsync(this HttpClient client, string? name = null, Action<HttpRequestMessage>? configure = null)
    {
        using var request = SameOrigin(HttpMethod.Post, "/api/rooms", new CreateRoomRequest(name));
        configure?.Invoke(request);
        return await client.SendAsync(request);
    }

    public static async Task<RoomResponse> CreatedRoomAsync(this HttpClient client, string? name = null)
    {
        using var response = await client.CreateRoomAsync(name);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<RoomResponse>())!;
    }

    /// <summary>Opens the room's link as a newcomer; the gatekeeper's token, or null when it gave none.</summary>
    public static async Task<(HttpResponseMessage Response, string? Token)> VisitAsync(this HttpClient client, string roomId, string? token = null, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/room/{roomId}");
        if (token is not null) request.Headers.Add("Cookie", $"{AuthCookie.Name}={token}");
        configure?.Invoke(request);
        var response = await client.SendAsync(request);
        return (response, AuthCookieOf(response) is { } cookie ? cookie[(AuthCookie.Name.Length + 1)..cookie.IndexOf(';')] : token);
    }

    /// <summary>The <c>x-auth-token</c> Set-Cookie header, whole, or null.</summary>
    public static string? AuthCookieOf(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies)
            ? cookies.FirstOrDefault(cookie => cookie.StartsWith(AuthCookie.Name + "=", StringComparison.Ordinal))
            : null;

    public static async Task<string> MemberOfAsync(this HttpClient client, string roomId)
    {
        var (response, token) = await client.VisitAsync(roomId);
        using (response) Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return token!;
    }

    public static async Task<HttpResponseMessage> PostMessageAsync(this HttpClient client, string roomId, string token, string text)
    {
        using var request = SameOrigin(HttpMethod.Post, $"/api/rooms/{roomId}/messages", new PostMessageRequest(text), token);
        return await client.SendAsync(request);
    }

    public static async Task<IReadOnlyList<MessageResponse>> HistoryAsync(this HttpClient client, string roomId, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/rooms/{roomId}/messages?limit=500");
        request.Headers.Add("Cookie", $"{AuthCookie.Name}={token}");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<List<MessageResponse>>())!;
    }

    /// <summary>Asserts a 429 problem with a stable type and a Retry-After of at least a second.</summary>
    public static async Task AssertRateLimitedAsync(this HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(ProblemTypes.RateLimited, (await response.Content.ReadFromJsonAsync<ProblemDetails>())?.Type);
        Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After was {response.Headers.RetryAfter}");
    }
}
