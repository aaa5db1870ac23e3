using System.Net;
using System.Net.Http.Json;
using CuteRooms.Contracts;

namespace CuteRooms.Api.Tests;

public sealed class AdmissionTests(ApiFixture api)
{
    [Fact]
    public async Task A_newcomer_gets_a_new_token_and_a_friendly_display_name()
    {
        var room = await api.CreateRoomAsync();

        var admission = await api.AdmitMemberAsync(room.Id);

        Assert.True(admission.IsNewToken);
        Assert.True(RoomIds.IsValid(admission.Token));
        Assert.Matches("^anonymous-[a-z]+-[a-z0-9]{5}$", admission.DisplayName);
        Assert.Equal(1, admission.Room.Members);
    }

    [Fact]
    public async Task A_malformed_token_is_replaced_by_a_new_one()
    {
        var room = await api.CreateRoomAsync();

        var admission = await api.AdmitMemberAsync(room.Id, "not-a-token");

        Assert.True(admission.IsNewToken);
        Assert.NotEqual("not-a-token", admission.Token);
    }

    [Fact]
    public async Task The_same_token_keeps_its_membership_and_display_name()
    {
        var room = await api.CreateRoomAsync();
        var first = await api.AdmitMemberAsync(room.Id);

        var again = await api.AdmitMemberAsync(room.Id, first.Token);

        Assert.False(again.IsNewToken);
        Assert.Equal(first.Token, again.Token);
        Assert.Equal(first.DisplayName, again.DisplayName);
        Assert.Equal(1, again.Room.Members);
    }

    [Fact]
    public async Task Two_thousand_concurrent_newcomers_become_exactly_two_thousand_members()
    {
        var room = await api.CreateRoomAsync();
        var client = api.CreateClient();

        var admissions = await Task.WhenAll(Enumerable.Range(0, 2000).Select(async _ =>
        {
            var response = await api.AdmitAsync(room.Id, client: client);
            return (await response.Content.ReadFromJsonAsync<AdmissionResponse>())!;
        }));

        Assert.Equal(2000, admissions.Select(admission => admission.Token).Distinct().Count());
        Assert.Equal(2000, await api.Redis.SetLengthAsync(new RoomKeys(room.Id).Members));
        var read = await client.GetFromJsonAsync<RoomResponse>($"/api/rooms/{room.Id}");
        Assert.Equal(2000, read!.Members);
    }

    [Fact]
    public async Task Two_hundred_concurrent_admissions_with_one_token_make_one_member_with_one_name()
    {
        var room = await api.CreateRoomAsync();
        var token = RoomIds.NewId();
        var client = api.CreateClient();

        var admissions = await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
        {
            var response = await api.AdmitAsync(room.Id, token, client);
            return (await response.Content.ReadFromJsonAsync<AdmissionResponse>())!;
        }));

        Assert.Single(admissions.Select(admission => admission.DisplayName).Distinct());
        Assert.Equal(1, await api.Redis.SetLengthAsync(new RoomKeys(room.Id).Members));
        Assert.Equal(1, await api.Redis.HashLengthAsync(new RoomKeys(room.Id).Names));
    }

    [Fact]
    public async Task A_room_of_fifty_admits_exactly_fifty_of_five_hundred_concurrent_newcomers()
    {
        var room = await api.CreateRoomAsync(new CreateRoomRequest(MaxMembers: 50));
        var client = api.CreateClient();

        var statuses = await Task.WhenAll(Enumerable.Range(0, 500).Select(async _ =>
            (await api.AdmitAsync(room.Id, client: client)).StatusCode));

        Assert.Equal(50, statuses.Count(status => status == HttpStatusCode.OK));
        Assert.Equal(450, statuses.Count(status => status == HttpStatusCode.Conflict));
        Assert.Equal(50, await api.Redis.SetLengthAsync(new RoomKeys(room.Id).Members));
    }

    [Fact]
    public async Task A_member_of_a_full_room_always_gets_back_in()
    {
        var room = await api.CreateRoomAsync(new CreateRoomRequest(MaxMembers: 2));
        var first = await api.AdmitMemberAsync(room.Id);
        await api.AdmitMemberAsync(room.Id);

        var again = await api.AdmitAsync(room.Id, first.Token);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task A_newcomer_to_a_full_room_is_refused_with_room_full()
    {
        var room = await api.CreateRoomAsync(new CreateRoomRequest(MaxMembers: 2));
        await api.AdmitMemberAsync(room.Id);
        await api.AdmitMemberAsync(room.Id);

        var refused = await api.AdmitAsync(room.Id);

        await refused.AssertProblemAsync(HttpStatusCode.Conflict, ProblemTypes.RoomFull);
    }

    [Fact]
    public async Task Admission_to_an_unknown_room_is_room_not_found()
    {
        var response = await api.AdmitAsync(RoomIds.NewId());

        await response.AssertProblemAsync(HttpStatusCode.NotFound, ProblemTypes.RoomNotFound);
    }
}
