using System.Net;
using System.Net.Http.Json;
using CuteRooms.Contracts;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CuteRooms.Api.Tests;

public sealed class RoomLifetimeTests(ApiFixture api)
{
    [Fact]
    public async Task Every_key_of_a_room_expires_together_after_its_ttl()
    {
        await using var shortLived = AllowingShortLifetimes();
        var client = shortLived.CreateClient();
        var room = await api.CreateRoomAsync(new CreateRoomRequest(TtlSeconds: 2), client);
        var member = await Admit(shortLived, room.Id);
        await PostMessage(shortLived, room.Id, member.Token);
        Assert.Equal(4, await api.CountKeysOfRoomAsync(room.Id)); // meta, members, names, messages

        foreach (var key in new RoomKeys(room.Id).All.Where(key => !key.EndsWith(":online")))
        {
            Assert.InRange((await api.Redis.KeyTimeToLiveAsync(key))!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
        }

        await Task.Delay(TimeSpan.FromSeconds(2.5), TestContext.Current.CancellationToken);

        Assert.Equal(0, await api.CountKeysOfRoomAsync(room.Id));
        var response = await client.GetAsync($"/api/rooms/{room.Id}");
        await response.AssertProblemAsync(HttpStatusCode.NotFound, ProblemTypes.RoomNotFound);
    }

    [Fact]
    public async Task Every_write_resets_the_expiry_of_all_keys()
    {
        await using var shortLived = AllowingShortLifetimes();
        var room = await api.CreateRoomAsync(new CreateRoomRequest(TtlSeconds: 3), shortLived.CreateClient());
        var member = await Admit(shortLived, room.Id);
        await PostMessage(shortLived, room.Id, member.Token);

        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        await PostMessage(shortLived, room.Id, member.Token);

        foreach (var key in new RoomKeys(room.Id).All.Where(key => !key.EndsWith(":online")))
        {
            Assert.InRange((await api.Redis.KeyTimeToLiveAsync(key))!.Value, TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(3));
        }

        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, (await shortLived.CreateClient().GetAsync($"/api/rooms/{room.Id}")).StatusCode);
    }

    [Fact]
    public async Task Destroying_a_room_removes_every_key_of_it_and_nothing_of_other_rooms()
    {
        var doomed = await api.CreateRoomAsync();
        var other = await api.CreateRoomAsync();
        var doomedMember = await api.AdmitMemberAsync(doomed.Id);
        var otherMember = await api.AdmitMemberAsync(other.Id);
        await PostMessage(api, doomed.Id, doomedMember.Token);
        await PostMessage(api, other.Id, otherMember.Token);
        var otherKeysBefore = await api.CountKeysOfRoomAsync(other.Id);

        var response = await api.ClientFor(doomedMember.Token).DeleteAsync($"/api/rooms/{doomed.Id}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(0, await api.CountKeysOfRoomAsync(doomed.Id));
        Assert.Equal(otherKeysBefore, await api.CountKeysOfRoomAsync(other.Id));
        Assert.Equal(HttpStatusCode.OK, (await api.CreateClient().GetAsync($"/api/rooms/{other.Id}")).StatusCode);
        await (await api.CreateClient().GetAsync($"/api/rooms/{doomed.Id}"))
            .AssertProblemAsync(HttpStatusCode.NotFound, ProblemTypes.RoomNotFound);
    }

    [Fact]
    public async Task Destroying_without_a_token_is_missing_token()
    {
        var room = await api.CreateRoomAsync();

        var response = await api.CreateClient().DeleteAsync($"/api/rooms/{room.Id}");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, ProblemTypes.MissingToken);
        Assert.Equal(1, await api.CountKeysOfRoomAsync(room.Id));
    }

    [Fact]
    public async Task Destroying_by_a_non_member_is_forbidden()
    {
        var room = await api.CreateRoomAsync();
        var stranger = await api.AdmitMemberAsync((await api.CreateRoomAsync()).Id);

        var response = await api.ClientFor(stranger.Token).DeleteAsync($"/api/rooms/{room.Id}");

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, ProblemTypes.NotAMember);
        Assert.Equal(1, await api.CountKeysOfRoomAsync(room.Id));
    }

    [Fact]
    public async Task Destroying_an_unknown_room_is_room_not_found()
    {
        var response = await api.ClientFor(RoomIds.NewId()).DeleteAsync($"/api/rooms/{RoomIds.NewId()}");

        await response.AssertProblemAsync(HttpStatusCode.NotFound, ProblemTypes.RoomNotFound);
    }

    private WebApplicationFactory<Program> AllowingShortLifetimes() =>
        api.WithWebHostBuilder(builder => builder.UseSetting("Rooms:MinTtlSeconds", "1"));

    private static async Task<AdmissionResponse> Admit(WebApplicationFactory<Program> host, string roomId)
    {
        var response = await host.CreateClient().PostAsJsonAsync($"/internal/rooms/{roomId}/admissions", new AdmissionRequest());
        return (await response.Content.ReadFromJsonAsync<AdmissionResponse>())!;
    }

    private static async Task PostMessage(WebApplicationFactory<Program> host, string roomId, string token)
    {
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Add("Cookie", $"{AuthCookie.Name}={token}");
        var response = await client.PostAsJsonAsync($"/api/rooms/{roomId}/messages", new PostMessageRequest("hello"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}
