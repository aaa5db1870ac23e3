using System.Net;
using System.Net.Http.Json;
using System.Text;
using CuteRooms.Contracts;

namespace CuteRooms.Api.Tests;

/// <summary>Bad input gets a clear problem with a stable type and the right status, never a 500.</summary>
public sealed class ProblemResponseTests(ApiFixture api)
{
    [Theory]
    [InlineData("""{"ttlSeconds":59}""", "ttlSeconds")]
    [InlineData("""{"ttlSeconds":86401}""", "ttlSeconds")]
    [InlineData("""{"maxMembers":1}""", "maxMembers")]
    [InlineData("""{"maxMembers":100001}""", "maxMembers")]
    public async Task Out_of_range_room_options_are_validation_failed(string body, string field)
    {
        var response = await PostJson("/api/rooms", body);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, ProblemTypes.ValidationFailed);
        Assert.Contains(field, problem.Extensions["errors"]!.ToString());
    }

    [Fact]
    public async Task A_room_name_over_sixty_characters_is_validation_failed()
    {
        var response = await api.CreateClient().PostAsJsonAsync("/api/rooms", new CreateRoomRequest(new string('n', 61)));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, ProblemTypes.ValidationFailed);
    }

    [Theory]
    [InlineData("""{"name": """)]
    [InlineData("""{"ttlSeconds":"ten"}""")]
    [InlineData("""{"maxMembers":1.5}""")]
    [InlineData("""[1,2,3]""")]
    public async Task Unreadable_json_is_malformed_request(string body)
    {
        var response = await PostJson("/api/rooms", body);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, ProblemTypes.MalformedRequest);
    }

    [Fact]
    public async Task An_unknown_room_is_room_not_found()
    {
        var response = await api.CreateClient().GetAsync($"/api/rooms/{RoomIds.NewId()}");

        await response.AssertProblemAsync(HttpStatusCode.NotFound, ProblemTypes.RoomNotFound);
    }

    [Fact]
    public async Task A_malformed_room_id_is_room_not_found()
    {
        var response = await api.CreateClient().GetAsync("/api/rooms/..%2F..%2Fetc");

        await response.AssertProblemAsync(HttpStatusCode.NotFound, ProblemTypes.RoomNotFound);
    }

    [Fact]
    public async Task An_unknown_route_is_not_found()
    {
        var response = await api.CreateClient().GetAsync("/api/nothing-here");

        await response.AssertProblemAsync(HttpStatusCode.NotFound, ProblemTypes.NotFound);
    }

    private Task<HttpResponseMessage> PostJson(string path, string body) =>
        api.CreateClient().PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
}
