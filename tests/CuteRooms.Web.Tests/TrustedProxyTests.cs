namespace CuteRooms.Web.Tests;

/// <summary>
/// The browser's scheme, as a TLS-terminating proxy in front of the Web reports it (and only such a
/// proxy), and the public origin the operator configured.
/// </summary>
[Collection(HardenedSystemCollection.Name)]
public sealed class TrustedProxyTests(HardenedSystemFixture system)
{
    [Fact]
    public async Task The_cookie_is_secure_when_a_trusted_proxy_says_the_browser_uses_https()
    {
        using var owner = system.ClientFrom(LoopbackClients.FreshAddress());
        var room = await owner.CreatedRoomAsync();
        using var proxy = system.ClientFrom(LoopbackClients.TrustedProxy);

        var (response, _) = await proxy.VisitAsync(room.Id, configure: request =>
        {
            request.Headers.Add("X-Forwarded-For", LoopbackClients.FreshAddress().ToString());
            request.Headers.Add("X-Forwarded-Proto", "https");
        });

        using (response) Assert.Contains("; secure", WebRequests.AuthCookieOf(response), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_client_claiming_https_itself_gets_no_secure_cookie()
    {
        using var client = system.ClientFrom(LoopbackClients.FreshAddress());
        var room = await client.CreatedRoomAsync();

        var (response, _) = await client.VisitAsync(room.Id, configure: request => request.Headers.Add("X-Forwarded-Proto", "https"));

        using (response)
        {
            var cookie = WebRequests.AuthCookieOf(response);
            Assert.NotNull(cookie);
            Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task The_share_link_names_the_configured_public_origin()
    {
        using var client = system.ClientFrom(LoopbackClients.FreshAddress());
        var room = await client.CreatedRoomAsync();

        var (page, _) = await client.VisitAsync(room.Id, configure: request => request.Headers.Host = "evil.example");

        using (page)
        {
            var html = await page.Content.ReadAsStringAsync();
            Assert.Contains($"data-url=\"{HardenedSystemFixture.PublicOrigin.GetLeftPart(UriPartial.Authority)}/room/{room.Id}\"", html);
            Assert.DoesNotContain("evil.example", html);
        }
    }
}
