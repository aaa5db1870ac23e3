using System.Net;
using System.Net.Http.Json;
using CuteRooms.Contracts;

namespace CuteRooms.Api.Tests;

/// <summary>A create or a post sent again with its idempotency key is stored once and answered alike.</summary>
public sealed class IdempotencyTests(ApiFixture api)
{
    [Fact]
    public async Task A_post_repeated_with_its_key_is_stored_once_and_answered_with_the_first_message()
    {
        var room = await api.CreateRoomAsync();
        var member = await api.AdmitMemberAsync(room.Id);
        var client = api.ClientFor(member.Token);
        var key = IdempotencyKeys.NewKey();

        var answers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => PostAsync(client, room.Id, "once", key)));

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.Created, answer.StatusCode));
        var messages = await Task.WhenAll(answers.Select(answer => answer.Content.ReadFromJsonAsync<MessageResponse>()));
        Assert.Single(messages.Select(message => message!.Id).Distinct());
        Assert.Single((await client.GetFromJsonAsync<List<MessageResponse>>($"/api/rooms/{room.Id}/messages"))!);
    }

    [Fact]
    public async Task A_key_sent_again_with_other_text_is_refused_and_stores_nothing()
    {
        var room = await api.CreateRoomAsync();
        var member = await api.AdmitMemberAsync(room.Id);
        var client = api.ClientFor(member.Token);
        var key = IdempotencyKeys.NewKey();
        await PostAsync(client, room.Id, "first words", key);

        var reused = await PostAsync(client, room.Id, "other words", key);

        await reused.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, ProblemTypes.IdempotencyKeyReused);
        Assert.Single((await client.GetFromJsonAsync<List<MessageResponse>>($"/api/rooms/{room.Id}/messages"))!);
    }

    [Fact]
    public async Task Posts_with_different_keys_are_different_messages()
    {
        var room = await api.CreateRoomAsync();
        var member = await api.AdmitMemberAsync(room.Id);
        var client = api.ClientFor(member.Token);

        await PostAsync(client, room.Id, "same words", IdempotencyKeys.NewKey());
        await PostAsync(client, room.Id, "same words", IdempotencyKeys.NewKey());

        Assert.Equal(2, (await client.GetFromJsonAsync<List<MessageResponse>>($"/api/rooms/{room.Id}/messages"))!.Count);
    }

    [Fact]
    public async Task Another_members_key_does_not_replay_someone_elses_message()
    {
        var room = await api.CreateRoomAsync();
        var alice = api.ClientFor((await api.AdmitMemberAsync(room.Id)).Token);
        var bob = api.ClientFor((await api.AdmitMemberAsync(room.Id)).Token);
        var key = IdempotencyKeys.NewKey();

        var fromAlice = await (await PostAsync(alice, room.Id, "alice's", key)).Content.ReadFromJsonAsync<MessageResponse>();
        var fromBob = await (await PostAsync(bob, room.Id, "bob's", key)).Content.ReadFromJsonAsync<MessageResponse>();

        Assert.NotEqual(fromAlice!.Id, fromBob!.Id);
        Assert.Equal("bob's", fromBob.Text);
    }

    [Fact]
    public async Task A_create_repeated_with_its_key_makes_one_room()
    {
        var key = IdempotencyKeys.NewKey();

        var answers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => CreateAsync(key)));

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.Created, answer.StatusCode));
        var rooms = await Task.WhenAll(answers.Select(answer => answer.Content.ReadFromJsonAsync<RoomResponse>()));
        Assert.Single(rooms.Select(room => room!.Id).Distinct());
    }

    [Fact]
    public async Task A_malformed_key_is_refused_naming_the_header()
    {
        var response = await CreateAsync("not a key!");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, ProblemTypes.ValidationFailed);
        Assert.Contains(IdempotencyKeys.Header, problem.Detail);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string roomId, string text, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/rooms/{roomId}/messages") { Content = JsonContent.Create(new PostMessageRequest(text)) };
        request.Headers.Add(IdempotencyKeys.Header, key);
        return await client.SendAsync(request);
    }

    private async Task<HttpResponseMessage> CreateAsync(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/rooms") { Content = JsonContent.Create(new CreateRoomRequest("keyed")) };
        request.Headers.Add(IdempotencyKeys.Header, key);
        return await api.CreateClient().SendAsync(request);
    }
}
