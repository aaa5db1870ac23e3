using System.Net;

namespace CuteRooms.Web.Tests;

/// <summary>A forged <c>Host</c> header never reaches a link, a redirect or a cookie: the public origin does.</summary>
[Collection(SystemCollection.Name)]
public sealed class PublicOriginTests(SystemFixture system)
{
    private const string ForgedHost = "evil.example";

    private HttpClient Client() =>
        new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = system.WebEndpoint };

    [Fact]
    public async Task The_share_link_names_the_public_origin_whatever_the_host_header_says()
    {
        using var client = Client();
        var room = await client.CreatedRoomAsync();

        var (page, _) = await client.VisitAsync(room.Id, configure: request => request.Headers.Host = ForgedHost);

        var html = await page.Content.ReadAsStringAsync();
        Assert.DoesNotContain(ForgedHost, html);
        Assert.Contains($"data-url=\"{system.WebEndpoint.GetLeftPart(UriPartial.Authority)}/room/{room.Id}\"", html);
    }

    [Fact]
    public async Task Redirects_and_cookies_ignore_a_forged_host()
    {
        using var client = Client();
        var room = await client.CreatedRoomAsync();

        var (page, _) = await client.VisitAsync(room.Id, configure: request => request.Headers.Host = ForgedHost);
        using var missing = new HttpRequestMessage(HttpMethod.Get, "/room/not-a-room") { Headers = { Host = ForgedHost } };
        using var redirect = await client.SendAsync(missing);

        Assert.DoesNotContain(ForgedHost, WebRequests.AuthCookieOf(page), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.DoesNotContain(ForgedHost, redirect.Headers.Location?.ToString() ?? "");
    }
}
