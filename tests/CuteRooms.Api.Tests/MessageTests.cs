using System.Net;
using System.Net.Http.Json;
using CuteRooms.Contracts;

namespace CuteRooms.Api.Tests;

public sealed class MessageTests(ApiFixture api)
{
    [Fact]
    public async Task A_member_posts_a_message_and_reads_it_back_with_author_and_id()
    {
        var room = await api.CreateRoomAsync();
        var member = await api.AdmitMemberAsync(room.Id);
        var client = api.ClientFor(member.Token);

        var response = await client.PostAsJsonAsync($"/api/rooms/{room.Id}/messages", new PostMessageRequest("  hi there  "));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var message = (await response.Content.ReadFromJsonAsync<MessageResponse>())!;
        Assert.Equal("hi there", message.Text);
        Assert.Equal(member.DisplayName, message.Author);
        Assert.Equal(member.AuthorId, message.AuthorId);
        Assert.True(StreamIds.IsValid(message.Id));
        var history = await client.GetFromJsonAsync<List<MessageResponse>>($"/api/rooms/{room.Id}/messages");
        Assert.Equal([message], history);
    }

    [Fact]
    public async Task History_is_oldest_first_and_pages_after_an_id()
    {
        var room = await api.CreateRoomAsync();
        var member = await api.AdmitMemberAsync(room.Id);
        var client = api.ClientFor(member.Token);
        var posted = new List<MessageResponse>();
        for (var i = 0; i < 5; i++)
        {
            var response = await client.PostAsJsonAsync($"/api/rooms/{room.Id}/messages", new PostMessageRequest($"m{i}"));
            posted.Add((await response.Content.ReadFromJsonAsync<MessageResponse>())!);
        }

        var latestTwo = await client.GetFromJsonAsync<List<MessageResponse>>($"/api/rooms/{room.Id}/messages?limit=2");
        var afterSecond = await client.GetFromJsonAsync<List<MessageResponse>>($"/api/rooms/{room.Id}/messages?after={posted[1].Id}&limit=2");

        Assert.Equal(["m3", "m4"], latestTwo!.Select(message => message.Text));
        Assert.Equal(["m2", "m3"], afterSecond!.Select(message => message.Text));
    }

    [Fact]
    public async Task An_over_long_message_is_validation_failed_and_nothing_is_stored()
    {
        var room = await api.CreateRoomAsync();
        var member = await api.AdmitMemberAsync(room.Id);

        var response = await api.ClientFor(member.Token)
            .PostAsJsonAsync($"/api/rooms/{room.Id}/messages", new PostMessageRequest(new string('a', 2001)));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, ProblemTypes.ValidationFailed);
        Assert.Equal(0, await api.Redis.StreamLengthAsync(new RoomKeys(room.Id).Messages));
    }

    [Fact]
    public async Task A_blank_message_is_validation_failed()
    {
        var room = await api.CreateRoomAsync();
        var member = await api.AdmitMemberAsync(room.Id);

        var response = await api.ClientFor(member.Token)
            .PostAsJsonAsync($"/api/rooms/{room.Id}/messages", new PostMessageRequest("   "));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, ProblemTypes.ValidationFailed);
    }

    [Fact]
    public async Task Posting_without_a_token_is_missing_token()
    {
        var room = await api.CreateRoomAsync();

        var response = await api.CreateClient().PostAsJsonAsync($"/api/rooms/{room.Id}/messages", new PostMessageRequest("hi"));

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, ProblemTypes.MissingToken);
    }

    [Fact]
    public async Task A_non_member_can_neither_post_nor_read_history()
    {
        var room = await api.CreateRoomAsync();
        var stranger = await api.AdmitMemberAsync((await api.CreateRoomAsync()).Id);
        var client = api.ClientFor(stranger.Token);

        var post = await client.PostAsJsonAsync($"/api/rooms/{room.Id}/messages", new PostMessageRequest("hi"));
        var read = await client.GetAsync($"/api/rooms/{room.Id}/messages");

        await post.AssertProblemAsync(HttpStatusCode.Forbidden, ProblemTypes.NotAMember);
        await read.AssertProblemAsync(HttpStatusCode.Forbidden, ProblemTypes.NotAMember);
        Assert.Equal(0, await api.Redis.StreamLengthAsync(new RoomKeys(room.Id).Messages));
    }

    [Fact]
    public async Task Posting_to_an_unknown_room_is_room_not_found()
    {
        var response = await api.ClientFor(RoomIds.NewId())
            .PostAsJsonAsync($"/api/rooms/{RoomIds.NewId()}/messages", new PostMessageRequest("hi"));

        await response.AssertProblemAsync(HttpStatusCode.NotFound, ProblemTypes.RoomNotFound);
    }

    [Fact]
    public async Task A_malformed_after_id_is_validation_failed()
    {
        var room = await api.CreateRoomAsync();
        var member = await api.AdmitMemberAsync(room.Id);

        var response = await api.ClientFor(member.Token).GetAsync($"/api/rooms/{room.Id}/messages?after=yesterday");

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, ProblemTypes.ValidationFailed);
    }

    [Fact]
    public async Task A_member_posting_faster_than_the_limit_is_rate_limited()
    {
        var room = await api.CreateRoomAsync();
        var member = await api.AdmitMemberAsync(room.Id);
        var client = api.ClientFor(member.Token);

        // All at once, twice the burst: the limiter decides before any handler runs, so how fast
        // the Api answers cannot let tokens refill in between.
        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            client.PostAsJsonAsync($"/api/rooms/{room.Id}/messages", new PostMessageRequest($"m{i}"))));

        var limited = responses.FirstOrDefault(response => response.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.NotNull(limited);
        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests, ProblemTypes.RateLimited);
    }
}
