using System.Net;
using System.Net.Http.Json;
using System.Text;
using CuteRooms.Contracts;
using Microsoft.AspNetCore.Mvc;

namespace CuteRooms.Web.Tests;

/// <summary>
/// What a plain HTTP client (curl) can do through the Web origin alone: create, read, be admitted by
/// the gatekeeper, keep its membership with the cookie it was given, destroy, and be told it is gone.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class WebOriginFlowTests(SystemFixture system)
{
    private HttpClient Client() =>
        new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = system.WebEndpoint };

    [Fact]
    public async Task A_plain_http_client_creates_joins_keeps_its_membership_and_destroys_a_room()
    {
        using var client = Client();
        var created = await client.PostAsJsonAsync("/api/rooms", new CreateRoomRequest("curl room"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var room = (await created.Content.ReadFromJsonAsync<RoomResponse>())!;
        Assert.Equal("curl room", (await client.GetFromJsonAsync<RoomResponse>($"/api/rooms/{room.Id}"))!.Name);

        using var firstVisit = await client.GetAsync($"/room/{room.Id}");
        Assert.Equal(HttpStatusCode.OK, firstVisit.StatusCode);
        var cookie = firstVisit.Headers.GetValues("Set-Cookie").Single(value => value.StartsWith(AuthCookie.Name + "=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        var token = cookie[(AuthCookie.Name.Length + 1)..cookie.IndexOf(';')];

        using var secondVisit = new HttpRequestMessage(HttpMethod.Get, $"/room/{room.Id}");
        secondVisit.Headers.Add("Cookie", $"{AuthCookie.Name}={token}");
        using var again = await client.SendAsync(secondVisit);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.False(again.Headers.TryGetValues("Set-Cookie", out var resent) && resent.Any(value => value.StartsWith(AuthCookie.Name + "=", StringComparison.Ordinal)),
            "the gatekeeper set the cookie a second time");
        Assert.Equal(1, (await client.GetFromJsonAsync<RoomResponse>($"/api/rooms/{room.Id}"))!.Members);

        using var destroy = new HttpRequestMessage(HttpMethod.Delete, $"/api/rooms/{room.Id}");
        destroy.Headers.Add("Cookie", $"{AuthCookie.Name}={token}");
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(destroy)).StatusCode);

        using var gone = await client.GetAsync($"/api/rooms/{room.Id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal(ProblemTypes.RoomNotFound, (await gone.Content.ReadFromJsonAsync<ProblemDetails>())?.Type);
        using var visitGone = await client.GetAsync($"/room/{room.Id}");
        Assert.Equal(HttpStatusCode.Redirect, visitGone.StatusCode);
        Assert.Equal("/?notice=room-not-found", visitGone.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_room_link_with_a_trailing_slash_admits_like_the_plain_one()
    {
        using var client = Client();
        var room = (await (await client.PostAsJsonAsync("/api/rooms", new CreateRoomRequest())).Content.ReadFromJsonAsync<RoomResponse>())!;

        using var visit = await client.GetAsync($"/room/{room.Id}/");

        Assert.Equal(HttpStatusCode.OK, visit.StatusCode);
        Assert.Contains(visit.Headers.GetValues("Set-Cookie"), value => value.StartsWith(AuthCookie.Name + "=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unknown_room_is_room_not_found_through_the_web()
    {
        using var client = Client();

        using var response = await client.GetAsync($"/api/rooms/{RoomIds.NewId()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(ProblemTypes.RoomNotFound, (await response.Content.ReadFromJsonAsync<ProblemDetails>())?.Type);
    }

    [Fact]
    public async Task An_oversized_body_is_payload_too_large_through_the_web()
    {
        using var client = Client();
        var body = $$"""{"name":"{{new string('x', 200_000)}}"}""";

        using var response = await client.PostAsync("/api/rooms", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(ProblemTypes.PayloadTooLarge, (await response.Content.ReadFromJsonAsync<ProblemDetails>())?.Type);
    }

    [Fact]
    public async Task An_oversized_body_of_undeclared_length_is_payload_too_large_through_the_web()
    {
        using var client = Client();
        var body = new StringContent($$"""{"name":"{{new string('x', 200_000)}}"}""", Encoding.UTF8, "application/json");
        body.Headers.ContentLength = null;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/rooms") { Content = new ChunkedContent(body) };

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(ProblemTypes.PayloadTooLarge, (await response.Content.ReadFromJsonAsync<ProblemDetails>())?.Type);
    }

    /// <summary>Sends its inner content without a Content-Length, so it goes chunked.</summary>
    private sealed class ChunkedContent(HttpContent inner) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => inner.CopyToAsync(stream, context);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
