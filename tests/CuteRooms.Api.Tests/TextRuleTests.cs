using System.Net;
using System.Net.Http.Json;
using CuteRooms.Contracts;

namespace CuteRooms.Api.Tests;

/// <summary>What text a message or a room name may hold; refusals name the field.</summary>
public sealed class TextRuleTests(ApiFixture api)
{
    [Theory]
    [InlineData("nul\u0000")]
    [InlineData("bell\u0007")]
    [InlineData("escape\u001b[2J")]
    [InlineData("delete\u007f")]
    [InlineData("next line\u0085")]
    [InlineData("csi\u009b")]
    public async Task A_message_with_a_control_character_is_refused_naming_the_text(string text)
    {
        var room = await api.CreateRoomAsync();
        var member = await api.AdmitMemberAsync(room.Id);
        var client = api.ClientFor(member.Token);

        var response = await client.PostAsJsonAsync($"/api/rooms/{room.Id}/messages", new PostMessageRequest(text));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, ProblemTypes.ValidationFailed);
        Assert.Contains("text", problem.Detail);
        Assert.Empty((await client.GetFromJsonAsync<List<MessageResponse>>($"/api/rooms/{room.Id}/messages"))!);
    }

    [Fact]
    public async Task Newlines_and_tabs_are_kept_and_a_forms_crlf_is_stored_as_lf()
    {
        var room = await api.CreateRoomAsync();
        var member = await api.AdmitMemberAsync(room.Id);

        var response = await api.ClientFor(member.Token).PostAsJsonAsync($"/api/rooms/{room.Id}/messages", new PostMessageRequest("one\r\ntwo\tthree"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("one\ntwo\tthree", (await response.Content.ReadFromJsonAsync<MessageResponse>())!.Text);
    }

    [Fact]
    public async Task Bidi_controls_are_kept_as_text_for_the_pages_to_isolate()
    {
        var room = await api.CreateRoomAsync();
        var member = await api.AdmitMemberAsync(room.Id);

        var response = await api.ClientFor(member.Token).PostAsJsonAsync($"/api/rooms/{room.Id}/messages", new PostMessageRequest("abc\u202Edef"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [InlineData("tab\tname")]
    [InlineData("new\nline")]
    [InlineData("nul\u0000")]
    public async Task A_room_name_with_a_control_character_is_refused_naming_the_name(string name)
    {
        var response = await api.CreateClient().PostAsJsonAsync("/api/rooms", new CreateRoomRequest(name));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, ProblemTypes.ValidationFailed);
        Assert.Contains("name", problem.Detail);
    }
}
