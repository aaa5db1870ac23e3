using System.Diagnostics;
using System.Net;
using CuteRooms.Contracts;
using StackExchange.Redis;

namespace CuteRooms.Web.Tests;

/// <summary>
/// A write the Web retries because the Api answered too late is stored once. The Api is held the
/// way a slow Redis holds it: Redis pauses every write (CLIENT PAUSE WRITE) for longer than the
/// Web's attempt timeout, so the first attempt times out, the Web retries, and both run afterwards.
/// </summary>
[Collection(HardenedSystemCollection.Name)]
public sealed class RetriedWriteTests(HardenedSystemFixture system)
{
    // Longer than one attempt may take, so a post that answers after it was sent at least twice.
    private static readonly TimeSpan Hold = HardenedSystemFixture.ApiAttemptTimeout * 2.5;

    [Fact]
    public async Task A_message_form_post_the_web_retried_is_stored_once()
    {
        using var client = system.ClientFrom(LoopbackClients.FreshAddress());
        var room = await client.CreatedRoomAsync();
        var (page, token) = await client.VisitAsync(room.Id);
        var form = WebForms.HiddenFields(await page.Content.ReadAsStringAsync(), "composer");
        form["text"] = "said once, however slow";
        using var request = WebForms.Post($"/room/{room.Id}/messages", form, WebForms.CookiesOf(page));

        var clock = Stopwatch.StartNew();
        using var posted = await WhileRedisHoldsWritesAsync(() => client.SendAsync(request));

        Assert.True(clock.Elapsed > Hold, $"the post took {clock.Elapsed}, less than the hold: nothing was retried");
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Equal($"/room/{room.Id}", posted.Headers.Location?.OriginalString);
        Assert.Single(await client.HistoryAsync(room.Id, token!), message => message.Text == "said once, however slow");
    }

    [Fact]
    public async Task A_lobby_submit_the_web_retried_creates_one_room()
    {
        using var client = system.ClientFrom(LoopbackClients.FreshAddress());
        using var lobby = await client.GetAsync("/");
        var form = WebForms.HiddenFields(await lobby.Content.ReadAsStringAsync(), null);
        var name = $"slow {Guid.NewGuid():N}"[..20];
        form["Form.Name"] = name;
        form["_handler"] = "create-room";
        form["Form.TtlSeconds"] = "600";
        using var request = WebForms.Post("/", form, WebForms.CookiesOf(lobby));

        using var created = await WhileRedisHoldsWritesAsync(() => client.SendAsync(request));

        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.Matches("/room/[A-Za-z0-9_-]{21}$", created.Headers.Location?.OriginalString ?? "");
        Assert.Equal(1, await CountRoomsNamedAsync(name));
    }

    private async Task<HttpResponseMessage> WhileRedisHoldsWritesAsync(Func<Task<HttpResponseMessage>> send)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestSystem.RedisConnectionString + ",allowAdmin=true");
        await redis.GetDatabase().ExecuteAsync("CLIENT", "PAUSE", (long)Hold.TotalMilliseconds, "WRITE");
        return await send();
    }

    private static async Task<long> CountRoomsNamedAsync(string name)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestSystem.RedisConnectionString + ",allowAdmin=true");
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var db = redis.GetDatabase();
        long count = 0;
        await foreach (var key in server.KeysAsync(pattern: "room:{*}:meta", pageSize: 1000))
        {
            if ((string?)await db.HashGetAsync(key, "name") == name) count++;
        }
        return count;
    }
}
