namespace CuteRooms.Realtime.Tests;

public sealed class GatewayBalancingTests(SystemFixture system)
{
    [Fact]
    public async Task Streams_opened_through_the_web_origin_are_shared_by_both_realtime_replicas_over_http2()
    {
        var room = await system.Api.CreateRoomAsync();
        var streams = new List<SseSubscription>();
        try
        {
            for (var i = 0; i < 6; i++)
            {
                streams.Add(await SseSubscription.OpenAsync(system.App.WebEndpoint, room.Id, await system.Api.AdmitAsync(room.Id)));
            }

            // Each replica logs the requests it serves (the fixture turns on ASP.NET Core's request log):
            // "Request starting HTTP/2 GET http://…/realtime/rooms/{id}/events".
            const string request = "HTTP/2 GET";
            var path = $"/realtime/rooms/{room.Id}/events";
            foreach (var replica in new[] { TestSystem.RealtimeReplica(0), TestSystem.RealtimeReplica(1) })
            {
                Assert.True(await system.App.WritesToConsoleAsync(replica, line => line.Contains(request) && line.Contains(path), TimeSpan.FromSeconds(10)), $"{replica} served none of the streams over HTTP/2");
            }
        }
        finally
        {
            foreach (var stream in streams) await stream.DisposeAsync();
        }
    }
}
