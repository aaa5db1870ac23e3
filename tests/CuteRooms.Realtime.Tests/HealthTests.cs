using System.Text.Json;

namespace CuteRooms.Realtime.Tests;

public sealed class HealthTests(SystemFixture system)
{
    [Fact]
    public async Task The_api_and_every_realtime_replica_report_redis_and_rabbitmq_as_healthy()
    {
        using var http = new HttpClient();
        foreach (var service in new[] { system.App.ApiEndpoint }.Concat(system.App.RealtimeEndpoints))
        {
            using var health = JsonDocument.Parse(await http.GetStringAsync(new Uri(service, "health")));

            var checks = health.RootElement.GetProperty("checks");
            Assert.Equal("Healthy", health.RootElement.GetProperty("status").GetString());
            // The name Aspire's Redis client integration gives its check.
            Assert.Equal("Healthy", checks.GetProperty("StackExchange.Redis").GetProperty("status").GetString());
            Assert.Equal("Healthy", checks.GetProperty("messaging").GetProperty("status").GetString());
            Assert.Contains("rabbitmq", checks.GetProperty("messaging").GetProperty("tags").EnumerateArray().Select(tag => tag.GetString()));
        }
    }
}
