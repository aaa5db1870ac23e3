using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CuteRooms.Contracts;
using Microsoft.AspNetCore.Mvc;

namespace CuteRooms.Web.Tests;

/// <summary>
/// Whatever a client sends through the Web origin, a refusal is problem details with a stable type and
/// never a stack trace or an exception's text; and nothing of it is stored or reaches a subscriber.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class ProblemSweepTests(SystemFixture system)
{
    public static TheoryData<string, string, string?, string?> Requests => new()
    {
        // method, path, content type, body
        { "GET", "//api/rooms", null, null },
        { "POST", "//api/rooms", "application/json", "{}" },
        { "GET", "/api\\rooms", null, null },
        { "GET", "/api/rooms/%5C", null, null },
        { "GET", "/nothing-here", null, null },
        { "DELETE", "/", null, null },
        { "PUT", "/api/rooms", "application/json", "{}" },
        { "PATCH", "/api/rooms/{room}", "application/json", "{}" },
        { "GET", "/api/nothing", null, null },
        { "GET", "/realtime/nothing", null, null },
        { "GET", "/internal/rooms/{room}", null, null },
        { "POST", "/api/rooms", "application/json", "{not json" },
        { "POST", "/api/rooms", "text/plain", "hello" },
        { "POST", "/api/rooms", "application/json", """{"ttlSeconds":"soon"}""" },
        { "POST", "/api/rooms", "application/json", "{\"name\":\"a\\u0000b\"}" },
        { "POST", "/api/rooms", "application/json", "{\"name\":\"bell\\u0007\"}" },
        { "POST", "/api/rooms/{room}/messages", "application/json", "{\"text\":\"nul\\u0000here\"}" },
        { "POST", "/api/rooms/{room}/messages", "application/json", "{\"text\":\"c1\\u0085here\"}" },
        { "POST", "/api/rooms/{room}/messages", "application/json", "{\"text\":\"escape\\u001b[31m\"}" },
        { "POST", "/api/rooms/{room}/messages", "application/json", "[1,2,3]" },
        { "POST", "/api/rooms/{room}/messages", "application/json", "{\"text\":\"   \"}" },
        { "POST", "/api/rooms/{room}/messages", "application/x-www-form-urlencoded", "text=hi" },
        { "GET", "/api/rooms/{room}/messages?limit=-1", null, null },
        { "GET", "/api/rooms/{room}/messages?after=<script>", null, null },
        { "GET", "/realtime/rooms/{room}/events?lastEventId=../../etc", null, null },
        { "POST", "/room/{room}/messages", "application/x-www-form-urlencoded", "text=no+antiforgery+token" },
        { "POST", "/room/{room}/messages", "application/json", "{\"text\":\"not a form\"}" },
        { "POST", "/room/{room}/destroy", "application/x-www-form-urlencoded", "" },
        { "POST", "/", "application/x-www-form-urlencoded", "_handler=create-room&Form.Name=x" },
        { "POST", "/", "application/json", "{}" },
        { "POST", "/room/{room}", "application/x-www-form-urlencoded", "x=1" },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Bad_input_is_problem_details_with_a_type_and_no_stack_trace(string method, string path, string? contentType, string? body)
    {
        var (roomId, token) = await MemberRoomAsync();
        using var client = Client();
        // Absolute, so that "//api/rooms" stays a path rather than naming a host.
        using var request = new HttpRequestMessage(new HttpMethod(method), system.WebEndpoint.GetLeftPart(UriPartial.Authority) + path.Replace("{room}", roomId));
        request.Headers.Add("Cookie", $"{AuthCookie.Name}={token}");
        request.Headers.Add("Sec-Fetch-Site", "same-origin");
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, contentType ?? "application/json");

        using var response = await client.SendAsync(request);

        await AssertProblemWithoutTraceAsync(response, $"{method} {path}");
        Assert.Empty(await HistoryAsync(roomId, token));
    }

    public static TheoryData<string, string, string> BadHeaders => new()
    {
        // path, header, value
        { "/api/rooms/{room}/messages", "Idempotency-Key", "not a key!" },
        { "/realtime/rooms/{room}/events", "Last-Event-ID", "yesterday" },
        { "/nothing-here", "Accept", "text/plain" },
        { "/api/rooms/{room}/messages", "Cookie", "x-auth-token=%%%; other" },
    };

    [Theory]
    [MemberData(nameof(BadHeaders))]
    public async Task A_bad_header_is_problem_details_with_a_type_and_no_stack_trace(string path, string header, string value)
    {
        var (roomId, token) = await MemberRoomAsync();
        using var client = Client();
        var method = path.EndsWith("/messages", StringComparison.Ordinal) && header != "Cookie" ? HttpMethod.Post : HttpMethod.Get;
        using var request = new HttpRequestMessage(method, path.Replace("{room}", roomId));
        request.Headers.Add("Sec-Fetch-Site", "same-origin");
        if (header != "Cookie") request.Headers.Add("Cookie", $"{AuthCookie.Name}={token}");
        request.Headers.TryAddWithoutValidation(header, value);
        if (method == HttpMethod.Post) request.Content = JsonContent.Create(new PostMessageRequest("with a bad header"));

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        await AssertProblemWithoutTraceAsync(response, $"{header}: {value}");
        Assert.Empty(await HistoryAsync(roomId, token));
    }

    public static TheoryData<string, int> RawRequests => new()
    {
        // what goes on the wire ({room} is a room the sender is a member of), and the status it is refused with
        { "GET /room/{room:10}%00{room:10-} HTTP/1.1\r\nHost: 127.0.0.1\r\n{cookie}\r\n", 400 },
        { "POST /api/rooms/{room:10}%00{room:10-}/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n{cookie}Content-Type: application/json\r\nContent-Length: 12\r\n\r\n{\"text\":\"x\"}", 400 },
        { "GARBAGE\r\n\r\n", 400 },
        { "GET / HTTP/1.1\r\n\r\n", 400 },
        { "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header: v\r\n\r\n", 400 },
        { "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: {40k}\r\n\r\n", 431 },
        { "GET / HTTP/7.1\r\nHost: 127.0.0.1\r\n\r\n", 505 },
        { "HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header: v\r\n\r\n", 400 },
    };

    [Theory]
    [MemberData(nameof(RawRequests))]
    public async Task What_the_server_refuses_before_any_middleware_is_problem_details_with_the_security_headers(string wire, int status)
    {
        var (roomId, token) = await MemberRoomAsync();
        var request = wire.Replace("{room:10}", roomId[..10]).Replace("{room:10-}", roomId[10..])
            .Replace("{cookie}", $"Cookie: {AuthCookie.Name}={token}\r\n").Replace("{40k}", new string('x', 40_000));

        var answer = await RawAnswer.SendAsync(system.WebEndpoint, request);

        Assert.Equal(status, answer.Status);
        Assert.Equal("application/problem+json", answer.Header("Content-Type"));
        if (wire.StartsWith("HEAD", StringComparison.Ordinal))
        {
            Assert.Empty(answer.Body); // an answer to HEAD has no body, whatever its headers say
        }
        else
        {
            Assert.StartsWith("urn:cuterooms:problem:", JsonSerializer.Deserialize<ProblemDetails>(answer.Body, JsonSerializerOptions.Web)?.Type);
            Assert.DoesNotContain("Exception", answer.Body);
        }
        Assert.Contains("frame-ancestors 'none'", answer.Header("Content-Security-Policy"));
        Assert.Equal("nosniff", answer.Header("X-Content-Type-Options"));
        Assert.Equal("no-referrer", answer.Header("Referrer-Policy"));
        Assert.Empty(await HistoryAsync(roomId, token));
    }

    [Fact]
    public async Task Refused_posts_reach_no_subscriber()
    {
        var (roomId, token) = await MemberRoomAsync();
        using var client = Client();
        using var stream = new HttpRequestMessage(HttpMethod.Get, $"/realtime/rooms/{roomId}/events");
        stream.Headers.Add("Cookie", $"{AuthCookie.Name}={token}");
        using var events = await client.SendAsync(stream, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await events.Content.ReadAsStreamAsync());

        foreach (var text in new[] { "nul\u0000", "bell\u0007", "\u009b31m", "   " })
        {
            using var refused = await client.PostMessageAsync(roomId, token, text);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }
        using var accepted = await client.PostMessageAsync(roomId, token, "the only one");
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);

        // The first message event on the stream is the accepted one: nothing refused came before it.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        string? line;
        while ((line = await reader.ReadLineAsync(timeout.Token)) is not null && line != "event: message") { }
        var data = await reader.ReadLineAsync(timeout.Token);
        Assert.Contains("the only one", data);
    }

    /// <summary>A 4xx problem with one of our types, and nothing of an exception in it.</summary>
    private static async Task AssertProblemWithoutTraceAsync(HttpResponseMessage response, string sent)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{sent} answered {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("urn:cuterooms:problem:", (await response.Content.ReadFromJsonAsync<ProblemDetails>())?.Type);
        Assert.DoesNotContain("   at ", text);
        Assert.DoesNotContain("Exception", text);
    }

    private HttpClient Client() =>
        new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = system.WebEndpoint };

    private async Task<(string RoomId, string Token)> MemberRoomAsync()
    {
        using var client = Client();
        var room = await client.CreatedRoomAsync();
        return (room.Id, await client.MemberOfAsync(room.Id));
    }

    private async Task<IReadOnlyList<MessageResponse>> HistoryAsync(string roomId, string token)
    {
        using var client = Client();
        return await client.HistoryAsync(roomId, token);
    }
}
