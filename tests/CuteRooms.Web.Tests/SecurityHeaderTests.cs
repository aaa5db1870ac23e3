using CuteRooms.Contracts;

namespace CuteRooms.Web.Tests;

/// <summary>What every answer of the Web origin says to the browser about framing, scripts, sniffing and referrers.</summary>
[Collection(SystemCollection.Name)]
public sealed class SecurityHeaderTests(SystemFixture system)
{
    public static TheoryData<string> Paths => new() { "/", "/room/{room}", "/api/rooms/{room}", "/api/nothing", "/nothing", "/favicon.svg" };

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Every_answer_carries_the_security_headers(string path)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = system.WebEndpoint };
        var room = await client.CreatedRoomAsync();

        using var response = await client.GetAsync(path.Replace("{room}", room.Id));

        var csp = string.Join(",", response.Headers.GetValues("Content-Security-Policy"));
        foreach (var directive in new[] { "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'" })
            Assert.Contains(directive, csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task A_room_stream_carries_the_security_headers()
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = system.WebEndpoint };
        var room = await client.CreatedRoomAsync();
        var token = await client.MemberOfAsync(room.Id);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/realtime/rooms/{room.Id}/events");
        request.Headers.Add("Cookie", $"{AuthCookie.Name}={token}");

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        Assert.Contains("frame-ancestors 'none'", string.Join(",", response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
    }
}
