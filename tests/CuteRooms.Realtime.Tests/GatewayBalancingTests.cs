using System.Net.Http.Json;
using CuteRooms.Realtime.Fanout;

namespace CuteRooms.Realtime.Tests;

/// <summary>
/// The gateway sends every stream of a room to one Realtime replica (so a replica receives only the
/// events of the rooms it holds) and spreads the rooms over the replicas, over HTTP/2.
/// </summary>
public sealed class GatewayBalancingTests(SystemFixture system)
{
    [Fact]
    public async Task Every_stream_of_a_room_opened_through_the_web_origin_reaches_the_same_replica()
    {
        var room = (await system.Api.CreateRoomAsync()).Id;
        var streams = new List<SseSubscription>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                streams.Add(await SseSubscription.OpenAsync(system.App.WebEndpoint, room, await system.Api.AdmitAsync(room)));
            }
            var message = await system.Api.PostAsync(room, await system.Api.AdmitAsync(room), "to all four");
            foreach (var stream in streams) Assert.Equal(message.Id, (await stream.MessagesAsync(1)).Single().Id);

            var held = new[] { await StreamsAsync(0, room), await StreamsAsync(1, room) };
            Assert.Equal(4, held.Max());
            Assert.Equal(0, held.Min());
        }
        finally
        {
            foreach (var stream in streams) await stream.DisposeAsync();
        }
    }

    [Fact]
    public async Task Rooms_opened_through_the_web_origin_are_shared_by_both_replicas_over_http2()
    {
        var rooms = new List<string>();
        var streams = new List<SseSubscription>();
        try
        {
            // 16 rooms: the chance that rendezvous hashing puts all of them on one of two replicas is 2 in 65,536.
            for (var i = 0; i < 16; i++)
            {
                var room = (await system.Api.CreateRoomAsync()).Id;
                rooms.Add(room);
                streams.Add(await SseSubscription.OpenAsync(system.App.WebEndpoint, room, await system.Api.AdmitAsync(room)));
            }

            // Each replica logs the requests it serves (the fixture turns on ASP.NET Core's request log):
            // "Request starting HTTP/2 GET http://…/realtime/rooms/{id}/events".
            for (var replica = 0; replica < 2; replica++)
            {
                var name = TestSystem.RealtimeReplica(replica);
                Assert.True(await system.App.WritesToConsoleAsync(name, line => line.Contains("HTTP/2 GET") && rooms.Any(room => line.Contains($"/realtime/rooms/{room}/events")),
                    TimeSpan.FromSeconds(10)), $"{name} served none of the rooms over HTTP/2");
            }
        }
        finally
        {
            foreach (var stream in streams) await stream.DisposeAsync();
        }
    }

    private async Task<int> StreamsAsync(int replica, string room)
    {
        using var http = new HttpClient { BaseAddress = system.Replica(replica) };
        return (await http.GetFromJsonAsync<RoomFanoutSnapshot>($"internal/fanout/rooms/{room}"))!.Streams;
    }
}
