using System.Net;
using System.Net.Http.Json;
using CuteRooms.Contracts;

namespace CuteRooms.Api.Tests;

public sealed class RoomCreationTests(ApiFixture api)
{
    [Fact]
    public async Task A_room_created_without_options_gets_a_friendly_name_and_the_default_lifetime()
    {
        var response = await api.CreateClient().PostAsJsonAsync("/api/rooms", new { });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var room = (await response.Content.ReadFromJsonAsync<RoomResponse>())!;
        Assert.True(RoomIds.IsValid(room.Id));
        Assert.Equal($"/api/rooms/{room.Id}", response.Headers.Location?.OriginalString);
        Assert.False(string.IsNullOrWhiteSpace(room.Name));
        Assert.Equal(600, room.TtlSeconds);
        Assert.Null(room.MaxMembers);
        Assert.Equal(0, room.Members);
        Assert.InRange(room.ExpiresAt, DateTimeOffset.UtcNow.AddSeconds(590), DateTimeOffset.UtcNow.AddSeconds(601));
    }

    [Fact]
    public async Task A_room_can_be_created_with_no_body_at_all()
    {
        var response = await api.CreateClient().PostAsync("/api/rooms", null);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task The_name_is_trimmed_and_the_options_are_kept()
    {
        var room = await api.CreateRoomAsync(new CreateRoomRequest("  Book club  ", 3600, 12));

        Assert.Equal("Book club", room.Name);
        Assert.Equal(3600, room.TtlSeconds);
        Assert.Equal(12, room.MaxMembers);
    }

    [Fact]
    public async Task A_created_room_can_be_read_back()
    {
        var created = await api.CreateRoomAsync(new CreateRoomRequest("Readable"));

        var read = await api.CreateClient().GetFromJsonAsync<RoomResponse>($"/api/rooms/{created.Id}");

        Assert.Equal(created.Id, read!.Id);
        Assert.Equal("Readable", read.Name);
    }

    [Fact]
    public async Task Room_ids_are_distinct_and_unguessable()
    {
        var rooms = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => api.CreateRoomAsync()));

        Assert.Equal(50, rooms.Select(room => room.Id).Distinct().Count());
        Assert.All(rooms, room => Assert.True(RoomIds.IsValid(room.Id)));
    }

    [Fact]
    public async Task The_openapi_document_describes_the_contract_records()
    {
        var document = await api.CreateClient().GetStringAsync("/openapi/v1.json");

        Assert.Contains("\"RoomResponse\"", document);
        Assert.Contains("\"CreateRoomRequest\"", document);
        Assert.Contains("/api/rooms/{id}/messages", document);
    }
}
