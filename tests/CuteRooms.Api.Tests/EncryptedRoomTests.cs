using System.Net;
using System.Net.Http.Json;
using CuteRooms.Contracts;

namespace CuteRooms.Api.Tests;

public sealed class EncryptedRoomTests(ApiFixture api)
{
    // The shape the browser sends: e2e1.<12-byte nonce>.<ciphertext and 16-byte tag>, base64url.
    private const string Envelope = "e2e1.AAECAwQFBgcICQoL.qrvM3e7_ABEiM0RVZneImaq7zN3u";

    [Fact]
    public async Task A_room_created_encrypted_says_so()
    {
        var room = await api.CreateRoomAsync(new CreateRoomRequest(Encrypted: true));
        var member = await api.AdmitMemberAsync(room.Id);

        Assert.True(room.Encrypted);
        Assert.True(member.Room.Encrypted);
        Assert.True((await api.CreateClient().GetFromJsonAsync<RoomResponse>($"/api/rooms/{room.Id}"))!.Encrypted);
        Assert.False((await api.CreateRoomAsync()).Encrypted);
    }

    [Fact]
    public async Task An_encrypted_room_stores_an_envelope_as_sent()
    {
        var room = await api.CreateRoomAsync(new CreateRoomRequest(Encrypted: true));
        var member = await api.AdmitMemberAsync(room.Id);

        using var response = await api.ClientFor(member.Token).PostAsJsonAsync($"/api/rooms/{room.Id}/messages", new PostMessageRequest(Envelope));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(Envelope, (await response.Content.ReadFromJsonAsync<MessageResponse>())!.Text);
    }

    [Fact]
    public async Task An_encrypted_room_refuses_plaintext_and_stores_nothing()
    {
        var room = await api.CreateRoomAsync(new CreateRoomRequest(Encrypted: true));
        var member = await api.AdmitMemberAsync(room.Id);

        using var response = await api.ClientFor(member.Token).PostAsJsonAsync($"/api/rooms/{room.Id}/messages", new PostMessageRequest("meet me at noon"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(ProblemTypes.ValidationFailed, await response.Content.ReadAsStringAsync());
        Assert.Equal(0, await api.Redis.StreamLengthAsync(new RoomKeys(room.Id).Messages));
    }

    [Fact]
    public async Task The_length_limit_applies_to_the_ciphertext()
    {
        var room = await api.CreateRoomAsync(new CreateRoomRequest(Encrypted: true));
        var member = await api.AdmitMemberAsync(room.Id);

        using var response = await api.ClientFor(member.Token).PostAsJsonAsync($"/api/rooms/{room.Id}/messages",
            new PostMessageRequest(Envelope + new string('A', 2_000)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
