using System.Net;

namespace CuteRooms.Web.Tests;

/// <summary>
/// Web replicas behind one load balancer are interchangeable: what one rendered, another accepts. The
/// replicas share no home directory (where ASP.NET Core would keep its keys by default), only Redis.
/// </summary>
[Collection(HardenedSystemCollection.Name)]
public sealed class WebReplicaTests(HardenedSystemFixture system)
{
    [Fact]
    public async Task A_lobby_form_one_Web_replica_rendered_creates_a_room_on_another()
    {
        var browser = LoopbackClients.FreshAddress();
        using var first = LoopbackClients.From(browser, system.System.WebEndpoints[0]);
        using var lobby = await first.GetAsync("/");
        var form = WebForms.HiddenFields(await lobby.Content.ReadAsStringAsync(), null);
        form["Form.Name"] = "made across replicas";
        form["_handler"] = "create-room";
        form["Form.TtlSeconds"] = "600";

        using var other = LoopbackClients.From(browser, system.System.WebEndpoints[1]);
        using var created = await other.SendAsync(WebForms.Post("/", form, WebForms.CookiesOf(lobby)));

        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.Matches("/room/[A-Za-z0-9_-]{21}$", created.Headers.Location?.OriginalString ?? "");
    }
}
