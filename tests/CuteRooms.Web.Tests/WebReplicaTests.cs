using System.Net;

namespace CuteRooms.Web.Tests;

/// <summary>Web replicas behind one load balancer are interchangeable: what one rendered, another accepts.</summary>
[Collection(SystemCollection.Name)]
public sealed class WebReplicaTests(SystemFixture system)
{
    [Fact]
    public async Task A_lobby_form_one_Web_replica_rendered_creates_a_room_on_another()
    {
        await using var second = await SecondWebReplica.StartAsync(system.System);
        var browser = LoopbackClients.FreshAddress();
        using var first = LoopbackClients.From(browser, system.WebEndpoint);
        using var lobby = await first.GetAsync("/");
        var form = WebForms.HiddenFields(await lobby.Content.ReadAsStringAsync(), null);
        form["Form.Name"] = "made across replicas";
        form["_handler"] = "create-room";
        form["Form.TtlSeconds"] = "600";

        using var other = LoopbackClients.From(browser, second.Endpoint);
        using var created = await other.SendAsync(WebForms.Post("/", form, WebForms.CookiesOf(lobby)));

        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.Matches("/room/[A-Za-z0-9_-]{21}$", created.Headers.Location?.OriginalString ?? "");
    }
}
