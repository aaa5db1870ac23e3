using System.Net;
using CuteRooms.Contracts;
using StackExchange.Redis;

namespace CuteRooms.Realtime.Tests;

public sealed class FanOutTests(SystemFixture system)
{
    [Fact]
    public async Task Subscribers_on_both_replicas_receive_a_burst_of_500_in_stream_order_without_duplicates()
    {
        var room = await system.Api.CreateRoomAsync();
        var posters = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => system.Api.AdmitAsync(room.Id)));
        // Resuming as browsers do: a replica may end a stream that fell too far behind, and its client goes on by id.
        await using var onFirst = await SseSubscription.OpenAsync(system.Replica(0), room.Id, posters[0], resuming: true);
        await using var onSecond = await SseSubscription.OpenAsync(system.Replica(1), room.Id, posters[1], resuming: true);
        await onFirst.NextAsync(RoomEventTypes.Presence);
        await onSecond.NextAsync(RoomEventTypes.Presence);

        // Four members post at once, so events from concurrent requests can interleave at the broker.
        await Task.WhenAll(posters.Select(async (token, poster) =>
        {
            for (var i = 0; i < 125; i++) await system.Api.PostAsync(room.Id, token, $"{poster}:{i}");
        }));

        var stored = (await system.Redis.StreamRangeAsync(new RoomKeys(room.Id).Messages)).Select(entry => (string)entry.Id!).ToList();
        Assert.Equal(500, stored.Count);
        foreach (var subscriber in new[] { onFirst, onSecond })
        {
            var received = await subscriber.MessagesAsync(500, TimeSpan.FromSeconds(30));
            Assert.Equal(stored, received.Select(message => message.Id));
            Assert.Null(await subscriber.NextAsync(RoomEventTypes.Message, TimeSpan.FromMilliseconds(500)));
        }
    }

    [Fact]
    public async Task A_reconnecting_subscriber_gets_exactly_the_twenty_it_missed_then_live_ones()
    {
        var room = await system.Api.CreateRoomAsync();
        var token = await system.Api.AdmitAsync(room.Id);
        var first = await SseSubscription.OpenAsync(system.Replica(0), room.Id, token);
        var seen = await system.Api.PostAsync(room.Id, token, "seen");
        Assert.Equal(seen.Id, (await first.MessagesAsync(1)).Single().Id);
        await first.DisposeAsync();

        var missed = new List<MessageResponse>();
        for (var i = 0; i < 20; i++) missed.Add(await system.Api.PostAsync(room.Id, token, $"missed {i}"));
        await using var resumed = await SseSubscription.OpenAsync(system.Replica(1), room.Id, token, lastEventId: seen.Id);
        var replayed = await resumed.MessagesAsync(20);
        var live = await system.Api.PostAsync(room.Id, token, "live");

        Assert.Equal(missed.Select(message => message.Id), replayed.Select(message => message.Id));
        Assert.Equal(live.Id, (await resumed.MessagesAsync(1)).Single().Id);
        Assert.Null(await resumed.NextAsync(RoomEventTypes.Message, TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public async Task A_message_posted_the_moment_a_stream_answers_reaches_it()
    {
        // Many fresh rooms at once keep the replicas busy, so each room's pump joins its
        // subscriber while the test is already posting.
        await Task.WhenAll(Enumerable.Range(0, 300).Select(async i =>
        {
            var room = await system.Api.CreateRoomAsync();
            var token = await system.Api.AdmitAsync(room.Id);
            await using var stream = await SseSubscription.OpenAsync(system.Replica(i % 2), room.Id, token);
            var posted = await system.Api.PostAsync(room.Id, token, "right away");

            Assert.Equal(posted.Id, (await stream.MessagesAsync(1)).Single().Id);
        }));
    }

    [Fact]
    public async Task The_resume_point_may_also_come_as_a_query_parameter()
    {
        var room = await system.Api.CreateRoomAsync();
        var token = await system.Api.AdmitAsync(room.Id);
        var before = await system.Api.PostAsync(room.Id, token, "before");
        var after = await system.Api.PostAsync(room.Id, token, "after");

        using var http = new HttpClient { BaseAddress = system.Replica(0) };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"realtime/rooms/{room.Id}/events?lastEventId={before.Id}");
        request.Headers.Add("Cookie", $"{AuthCookie.Name}={token}");
        using var stream = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());
        string? line;
        while ((line = await reader.ReadLineAsync()) is not null && !line.StartsWith("id: ", StringComparison.Ordinal)) { }

        Assert.Equal($"id: {after.Id}", line);
    }

    [Fact]
    public async Task A_stream_opened_without_a_resume_point_is_given_the_tail_as_one_first()
    {
        var room = await system.Api.CreateRoomAsync();
        var token = await system.Api.AdmitAsync(room.Id);
        var newest = await system.Api.PostAsync(room.Id, token, "before the stream");

        using var response = await SseSubscription.SendAsync(system.Replica(0), room.Id, token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        string? line;
        while ((line = await reader.ReadLineAsync()) is not null && !line.StartsWith("id: ", StringComparison.Ordinal)) { }

        Assert.Equal($"id: {newest.Id}", line);
        Assert.Equal("", await reader.ReadLineAsync()); // a bare id, no event
    }

    [Fact]
    public async Task A_non_member_is_refused_both_the_stream_and_posting()
    {
        var room = await system.Api.CreateRoomAsync();
        var stranger = await system.Api.AdmitAsync((await system.Api.CreateRoomAsync()).Id);

        using var stream = await SseSubscription.SendAsync(system.Replica(0), room.Id, stranger);
        using var post = await system.Api.PostMessageAsync(room.Id, stranger, "let me in");

        Assert.Equal(HttpStatusCode.Forbidden, stream.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.Contains(ProblemTypes.NotAMember, await stream.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_stream_without_a_token_is_missing_token()
    {
        var room = await system.Api.CreateRoomAsync();

        using var stream = await SseSubscription.SendAsync(system.Replica(0), room.Id, token: null);

        Assert.Equal(HttpStatusCode.Unauthorized, stream.StatusCode);
        Assert.Contains(ProblemTypes.MissingToken, await stream.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_stream_of_an_unknown_room_is_room_not_found()
    {
        using var stream = await SseSubscription.SendAsync(system.Replica(0), RoomIds.NewId(), RoomIds.NewId());

        Assert.Equal(HttpStatusCode.NotFound, stream.StatusCode);
        Assert.Contains(ProblemTypes.RoomNotFound, await stream.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_idle_stream_gets_a_keep_alive_comment()
    {
        var room = await system.Api.CreateRoomAsync();
        var token = await system.Api.AdmitAsync(room.Id);

        using var response = await SseSubscription.SendAsync(system.Replica(0), room.Id, token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10)); // the fixture's interval is 2 s
        string? line;
        while ((line = await reader.ReadLineAsync(deadline.Token)) is not null && !line.StartsWith(':')) { }

        Assert.Equal(": keep-alive", line);
    }

    [Fact]
    public async Task A_malformed_last_event_id_is_validation_failed()
    {
        var room = await system.Api.CreateRoomAsync();
        var token = await system.Api.AdmitAsync(room.Id);

        using var stream = await SseSubscription.SendAsync(system.Replica(0), room.Id, token, lastEventId: "yesterday");

        Assert.Equal(HttpStatusCode.BadRequest, stream.StatusCode);
        Assert.Contains(ProblemTypes.ValidationFailed, await stream.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_unknown_route_on_a_replica_is_a_not_found_problem()
    {
        using var http = new HttpClient { BaseAddress = system.Replica(0) };

        using var response = await http.GetAsync("realtime/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(ProblemTypes.NotFound, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_over_long_message_is_refused_and_neither_stored_nor_sent()
    {
        var room = await system.Api.CreateRoomAsync();
        var token = await system.Api.AdmitAsync(room.Id);
        await using var subscriber = await SseSubscription.OpenAsync(system.Replica(0), room.Id, token);

        using var refused = await system.Api.PostMessageAsync(room.Id, token, new string('x', 2001));
        var accepted = await system.Api.PostAsync(room.Id, token, "short");

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains(ProblemTypes.ValidationFailed, await refused.Content.ReadAsStringAsync());
        Assert.Equal(accepted.Id, (await subscriber.MessagesAsync(1)).Single().Id);
        Assert.Equal(1, await system.Redis.StreamLengthAsync(new RoomKeys(room.Id).Messages));
    }
}
