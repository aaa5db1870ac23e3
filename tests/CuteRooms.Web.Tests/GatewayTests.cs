using System.Net;
using System.Net.Http.Json;
using CuteRooms.Contracts;
using Microsoft.AspNetCore.Mvc;

namespace CuteRooms.Web.Tests;

/// <summary>What a browser can and cannot reach through the Web's same-origin gateway.</summary>
[Collection(SystemCollection.Name)]
public sealed class GatewayTests(SystemFixture system)
{
    private HttpClient Client() => new() { BaseAddress = system.WebEndpoint };

    [Fact]
    public async Task Internal_admission_call_is_not_reachable_through_the_web()
    {
        using var client = Client();

        using var response = await client.PostAsJsonAsync($"/internal/rooms/{RoomIds.NewId()}/admissions", new AdmissionRequest(),
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Cross_site_post_through_the_gateway_is_refused()
    {
        using var client = Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/rooms") { Content = JsonContent.Create(new CreateRoomRequest()) };
        request.Headers.Add("Origin", "https://evil.example");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>(TestContext.Current.CancellationToken);
        Assert.Equal(ProblemTypes.CrossSiteRequest, problem?.Type);
    }

    [Fact]
    public async Task Request_marked_cross_site_by_the_browser_is_refused()
    {
        using var client = Client();
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"/api/rooms/{RoomIds.NewId()}");
        request.Headers.Add("Sec-Fetch-Site", "cross-site");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Request_from_a_sibling_subdomain_is_refused()
    {
        using var client = Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/rooms") { Content = JsonContent.Create(new CreateRoomRequest()) };
        request.Headers.Add("Sec-Fetch-Site", "same-site");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Same_origin_post_passes_the_gateway_to_the_api()
    {
        using var client = Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/rooms") { Content = JsonContent.Create(new CreateRoomRequest("Via gateway")) };
        request.Headers.Add("Origin", system.WebEndpoint.GetLeftPart(UriPartial.Authority));
        request.Headers.Add("Sec-Fetch-Site", "same-origin");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var room = await response.Content.ReadFromJsonAsync<RoomResponse>(TestContext.Current.CancellationToken);
        Assert.Equal("Via gateway", room?.Name);
    }
}
