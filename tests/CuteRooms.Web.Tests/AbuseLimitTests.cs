using System.Net;
using CuteRooms.Contracts;

namespace CuteRooms.Web.Tests;

/// <summary>
/// Flood limits as a hostile client meets them through the Web origin, with two Api replicas: each
/// limit is counted once for all replicas, refuses with 429 and Retry-After, and leaves other clients alone.
/// </summary>
[Collection(HardenedSystemCollection.Name)]
public sealed class AbuseLimitTests(HardenedSystemFixture system)
{
    [Fact]
    public async Task Rooms_per_address_hold_across_both_api_replicas_and_spare_other_addresses()
    {
        using var flooder = system.ClientFrom(LoopbackClients.FreshAddress());
        for (var i = 0; i < HardenedSystemFixture.RoomsPerMinute; i++)
        {
            using var created = await flooder.CreateRoomAsync();
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using var refused = await flooder.CreateRoomAsync();
        await refused.AssertRateLimitedAsync();
        using var neighbour = system.ClientFrom(LoopbackClients.FreshAddress());
        using var spared = await neighbour.CreateRoomAsync();
        Assert.Equal(HttpStatusCode.Created, spared.StatusCode);
    }

    [Fact]
    public async Task A_limit_counted_by_one_api_replica_binds_the_other()
    {
        // Straight at the replicas, alternating, as the Web's gateway would spread them.
        var address = LoopbackClients.FreshAddress().ToString();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i <= HardenedSystemFixture.RoomsPerMinute; i++)
        {
            using var api = new HttpClient { BaseAddress = system.System.ApiEndpoints[i % 2] };
            using var request = WebRequests.SameOrigin(HttpMethod.Post, "/api/rooms", new CreateRoomRequest());
            request.Headers.Add("X-Forwarded-For", address); // the Web on loopback is a trusted proxy of the Api
            using var response = await api.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Created, HardenedSystemFixture.RoomsPerMinute), HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task A_forged_forwarded_for_header_does_not_dodge_the_limit()
    {
        using var flooder = system.ClientFrom(LoopbackClients.FreshAddress());
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i <= HardenedSystemFixture.RoomsPerMinute; i++)
        {
            using var response = await flooder.CreateRoomAsync(configure: request => request.Headers.Add("X-Forwarded-For", $"198.51.100.{i + 1}"));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }

    [Fact]
    public async Task A_trusted_proxy_names_the_client_each_limit_is_counted_for()
    {
        using var proxy = system.ClientFrom(LoopbackClients.TrustedProxy);
        var behind = LoopbackClients.FreshAddress().ToString();
        for (var i = 0; i < HardenedSystemFixture.RoomsPerMinute; i++)
        {
            using var created = await proxy.CreateRoomAsync(configure: request => request.Headers.Add("X-Forwarded-For", behind));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using var refused = await proxy.CreateRoomAsync(configure: request => request.Headers.Add("X-Forwarded-For", behind));
        await refused.AssertRateLimitedAsync();
        using var other = await proxy.CreateRoomAsync(configure: request => request.Headers.Add("X-Forwarded-For", LoopbackClients.FreshAddress().ToString()));
        Assert.Equal(HttpStatusCode.Created, other.StatusCode);
    }

    [Fact]
    public async Task New_members_per_address_are_limited_but_returning_members_are_not()
    {
        using var owner = system.ClientFrom(LoopbackClients.FreshAddress());
        var room = await owner.CreatedRoomAsync();
        using var minter = system.ClientFrom(LoopbackClients.FreshAddress());
        var first = await minter.MemberOfAsync(room.Id);
        for (var i = 1; i < HardenedSystemFixture.AdmissionsPerMinute; i++) await minter.MemberOfAsync(room.Id);

        var (refused, token) = await minter.VisitAsync(room.Id);
        using (refused) await refused.AssertRateLimitedAsync();
        Assert.Null(token);
        var (returning, _) = await minter.VisitAsync(room.Id, first);
        using (returning) Assert.Equal(HttpStatusCode.OK, returning.StatusCode);
        using var neighbour = system.ClientFrom(LoopbackClients.FreshAddress());
        await neighbour.MemberOfAsync(room.Id);
    }

    [Fact]
    public async Task A_member_posting_past_its_burst_is_refused_with_retry_after()
    {
        using var client = system.ClientFrom(LoopbackClients.FreshAddress());
        var room = await client.CreatedRoomAsync();
        var token = await client.MemberOfAsync(room.Id);

        // At once: the bucket refills one a second, so a slow sequence would measure the refill.
        var answers = await Task.WhenAll(Enumerable.Range(0, HardenedSystemFixture.MessageBurst + 2)
            .Select(i => client.PostMessageAsync(room.Id, token, $"hello {i}")));

        var refused = answers.Where(answer => answer.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(refused);
        await refused[0].AssertRateLimitedAsync();
        var stored = (await client.HistoryAsync(room.Id, token)).Count;
        Assert.Equal(answers.Count(answer => answer.StatusCode == HttpStatusCode.Created), stored);
        Assert.InRange(stored, HardenedSystemFixture.MessageBurst, HardenedSystemFixture.MessageBurst + 1);
    }

    [Fact]
    public async Task Many_members_behind_one_address_share_its_message_budget()
    {
        using var client = system.ClientFrom(LoopbackClients.FreshAddress());
        var room = await client.CreatedRoomAsync();
        var members = new[] { await client.MemberOfAsync(room.Id), await client.MemberOfAsync(room.Id), await client.MemberOfAsync(room.Id) };

        // Two each, within every member's own burst, but more than the address's together.
        var answers = await Task.WhenAll(members.SelectMany(member => Enumerable.Range(0, 2)
            .Select(i => client.PostMessageAsync(room.Id, member, $"from {member[..4]} {i}"))));

        var refused = answers.Where(answer => answer.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(refused);
        await refused[0].AssertRateLimitedAsync();
        Assert.Equal(HardenedSystemFixture.AddressMessageBurst, answers.Count(answer => answer.StatusCode == HttpStatusCode.Created));
    }

    [Fact]
    public async Task A_member_from_another_address_posts_while_one_address_is_throttled()
    {
        using var client = system.ClientFrom(LoopbackClients.FreshAddress());
        var room = await client.CreatedRoomAsync();
        var members = new[] { await client.MemberOfAsync(room.Id), await client.MemberOfAsync(room.Id), await client.MemberOfAsync(room.Id) };
        await Task.WhenAll(members.SelectMany(member => Enumerable.Range(0, 2).Select(i => client.PostMessageAsync(room.Id, member, $"flood {i}"))));
        using var neighbour = system.ClientFrom(LoopbackClients.FreshAddress());
        var outsider = await neighbour.MemberOfAsync(room.Id);

        using var spared = await neighbour.PostMessageAsync(room.Id, outsider, "from elsewhere");

        Assert.Equal(HttpStatusCode.Created, spared.StatusCode);
    }

    [Fact]
    public async Task A_member_holds_at_most_its_limit_of_open_streams()
    {
        using var client = system.ClientFrom(LoopbackClients.FreshAddress());
        var room = await client.CreatedRoomAsync();
        var token = await client.MemberOfAsync(room.Id);
        var open = await OpenStreamsAsync(client, room.Id, token, HardenedSystemFixture.StreamsPerMember);
        try
        {
            using var refused = await OpenStreamAsync(client, room.Id, token);

            await refused.AssertRateLimitedAsync();
        }
        finally
        {
            foreach (var stream in open) stream.Dispose();
        }
    }

    [Fact]
    public async Task The_open_streams_limit_holds_across_realtime_replicas()
    {
        using var client = system.ClientFrom(LoopbackClients.FreshAddress());
        var room = await client.CreatedRoomAsync();
        var token = await client.MemberOfAsync(room.Id);
        var replicas = system.System.RealtimeEndpoints;
        var open = new List<HttpResponseMessage>();
        try
        {
            // Straight at the replicas, one stream on each in turn.
            for (var i = 0; i < HardenedSystemFixture.StreamsPerMember; i++)
            {
                using var direct = new HttpClient { BaseAddress = replicas[i % replicas.Count] };
                open.Add(await OpenStreamAsync(direct, room.Id, token));
                Assert.Equal(HttpStatusCode.OK, open[^1].StatusCode);
            }

            using var other = new HttpClient { BaseAddress = replicas[HardenedSystemFixture.StreamsPerMember % replicas.Count] };
            using var refused = await OpenStreamAsync(other, room.Id, token);

            await refused.AssertRateLimitedAsync();
        }
        finally
        {
            foreach (var stream in open) stream.Dispose();
        }
    }

    [Fact]
    public async Task A_stream_that_ends_gives_its_place_back()
    {
        using var client = system.ClientFrom(LoopbackClients.FreshAddress());
        var room = await client.CreatedRoomAsync();
        var token = await client.MemberOfAsync(room.Id);
        var open = await OpenStreamsAsync(client, room.Id, token, HardenedSystemFixture.StreamsPerMember);
        try
        {
            open[0].Dispose();

            // The stream's end travels from the client through the gateway to Realtime first.
            var deadline = DateTime.UtcNow.AddSeconds(10);
            HttpResponseMessage again;
            while ((again = await OpenStreamAsync(client, room.Id, token)).StatusCode != HttpStatusCode.OK && DateTime.UtcNow < deadline)
            {
                again.Dispose();
                await Task.Delay(200);
            }
            open.Add(again);
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }
        finally
        {
            foreach (var stream in open) stream.Dispose();
        }
    }

    private static async Task<List<HttpResponseMessage>> OpenStreamsAsync(HttpClient client, string roomId, string token, int count)
    {
        var open = new List<HttpResponseMessage>();
        for (var i = 0; i < count; i++)
        {
            open.Add(await OpenStreamAsync(client, roomId, token));
            Assert.Equal(HttpStatusCode.OK, open[^1].StatusCode);
        }
        return open;
    }

    private static async Task<HttpResponseMessage> OpenStreamAsync(HttpClient client, string roomId, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/realtime/rooms/{roomId}/events");
        request.Headers.Add("Cookie", $"{AuthCookie.Name}={token}");
        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }
}
