using System.Net;
using StackExchange.Redis;

namespace CuteRooms.Web.Tests;

/// <summary>Web replicas behind one load balancer are interchangeable: what one rendered, another accepts.</summary>
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

    /// <summary>The Web's <c>SharedDataProtection.KeyRingKey</c>.</summary>
    private const string KeyRingKey = "cuterooms:web:data-protection-keys";

    /// <summary>Replicas here share one home directory, where the keys would otherwise be; other hosts do not.</summary>
    [Fact]
    public async Task The_replicas_key_ring_is_kept_in_Redis_not_on_a_hosts_disk()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestSystem.RedisConnectionString);

        Assert.True(await redis.GetDatabase().ListLengthAsync(KeyRingKey) > 0);
    }
}
