using System.Net;
using System.Net.Http.Json;
using CuteRooms.Contracts;

namespace CuteRooms.Api.Tests;

public sealed class MemberTests(ApiFixture api)
{
    [Fact]
    public async Task Members_are_listed_by_public_id_and_name_to_members_only()
    {
        var room = await api.CreateRoomAsync();
        var ada = await api.AdmitMemberAsync(room.Id);
        var bob = await api.AdmitMemberAsync(room.Id);
        var stranger = await api.AdmitMemberAsync((await api.CreateRoomAsync()).Id);

        var page = await api.ClientFor(ada.Token).GetFromJsonAsync<MembersPage>($"/api/rooms/{room.Id}/members");
        using var refused = await api.ClientFor(stranger.Token).GetAsync($"/api/rooms/{room.Id}/members");

        Assert.Equal(
            new[] { new MemberResponse(ada.AuthorId, ada.DisplayName, false), new MemberResponse(bob.AuthorId, bob.DisplayName, false) }.OrderBy(m => m.Id),
            page!.Members.OrderBy(m => m.Id));
        Assert.Null(page.Next);
        Assert.DoesNotContain(ada.Token, await (await api.ClientFor(ada.Token).GetAsync($"/api/rooms/{room.Id}/members")).Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task The_pages_of_a_large_room_list_every_member_once()
    {
        var room = await api.CreateRoomAsync();
        // Past the size Redis keeps a hash compact in (512 by default), whose scan comes in one piece.
        var admitted = await Task.WhenAll(Enumerable.Range(0, 700).Select(_ => api.AdmitMemberAsync(room.Id)));
        var client = api.ClientFor(admitted[0].Token);

        var listed = new List<MemberResponse>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = (await client.GetFromJsonAsync<MembersPage>($"/api/rooms/{room.Id}/members?limit=50" + (cursor is null ? "" : $"&cursor={cursor}")))!;
            listed.AddRange(page.Members);
            cursor = page.Next;
            pages++;
        } while (cursor is not null);

        Assert.True(pages > 5, $"a room of 700 came in {pages} pages of about 50");
        Assert.Equal(admitted.Select(member => member.AuthorId).Order(), listed.Select(member => member.Id).Distinct().Order());
    }

    [Fact]
    public async Task A_malformed_cursor_or_limit_is_validation_failed()
    {
        var room = await api.CreateRoomAsync();
        var member = await api.AdmitMemberAsync(room.Id);
        var client = api.ClientFor(member.Token);

        using var badCursor = await client.GetAsync($"/api/rooms/{room.Id}/members?cursor=yesterday");
        using var badLimit = await client.GetAsync($"/api/rooms/{room.Id}/members?limit=5000");

        Assert.Equal(HttpStatusCode.BadRequest, badCursor.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
        Assert.Contains(ProblemTypes.ValidationFailed, await badCursor.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_member_renames_themself_and_later_messages_carry_the_new_name()
    {
        var room = await api.CreateRoomAsync();
        var member = await api.AdmitMemberAsync(room.Id);
        var client = api.ClientFor(member.Token);

        using var renamed = await client.PatchAsJsonAsync($"/api/rooms/{room.Id}/members/me", new RenameRequest("  Ada Lovelace "));
        using var posted = await client.PostAsJsonAsync($"/api/rooms/{room.Id}/messages", new PostMessageRequest("hello"));

        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Equal(new MemberResponse(member.AuthorId, "Ada Lovelace", false), await renamed.Content.ReadFromJsonAsync<MemberResponse>());
        Assert.Equal("Ada Lovelace", (await posted.Content.ReadFromJsonAsync<MessageResponse>())!.Author);
    }

    [Fact]
    public async Task A_name_another_member_has_in_any_case_is_name_taken()
    {
        var room = await api.CreateRoomAsync();
        var ada = await api.AdmitMemberAsync(room.Id);
        var bob = await api.AdmitMemberAsync(room.Id);
        await api.ClientFor(ada.Token).PatchAsJsonAsync($"/api/rooms/{room.Id}/members/me", new RenameRequest("Ada"));

        using var taken = await api.ClientFor(bob.Token).PatchAsJsonAsync($"/api/rooms/{room.Id}/members/me", new RenameRequest("ADA"));
        using var own = await api.ClientFor(ada.Token).PatchAsJsonAsync($"/api/rooms/{room.Id}/members/me", new RenameRequest("ada"));

        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        Assert.Contains(ProblemTypes.NameTaken, await taken.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, own.StatusCode); // one's own name in another case is not taken
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("a name that is far too long to fit in the list")]
    [InlineData("tab\there")]
    [InlineData("Ada\u200B")]
    public async Task A_name_outside_the_text_rules_is_validation_failed(string name)
    {
        var room = await api.CreateRoomAsync();
        var member = await api.AdmitMemberAsync(room.Id);

        using var response = await api.ClientFor(member.Token).PatchAsJsonAsync($"/api/rooms/{room.Id}/members/me", new RenameRequest(name));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(ProblemTypes.ValidationFailed, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Typing_is_accepted_from_members_only()
    {
        var room = await api.CreateRoomAsync();
        var member = await api.AdmitMemberAsync(room.Id);
        var stranger = await api.AdmitMemberAsync((await api.CreateRoomAsync()).Id);

        using var typing = await api.ClientFor(member.Token).PostAsync($"/api/rooms/{room.Id}/typing", null);
        using var again = await api.ClientFor(member.Token).PostAsync($"/api/rooms/{room.Id}/typing", null); // coalesced, same answer
        using var refused = await api.ClientFor(stranger.Token).PostAsync($"/api/rooms/{room.Id}/typing", null);

        Assert.Equal(HttpStatusCode.Accepted, typing.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(0, await api.Redis.StreamLengthAsync(new RoomKeys(room.Id).Messages)); // never stored as a message
    }

    [Fact]
    public async Task Typing_faster_than_the_member_limit_is_rate_limited()
    {
        var room = await api.CreateRoomAsync();
        var member = await api.AdmitMemberAsync(room.Id);
        var client = api.ClientFor(member.Token);

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 15; i++)
        {
            using var response = await client.PostAsync($"/api/rooms/{room.Id}/typing", null);
            answers.Add(response.StatusCode);
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, answers);
    }
}
