using System.Text.Json;

namespace CuteRooms.AppHost.Tests;

/// <summary>The manifest azd deploys, as <c>dotnet run --project CuteRooms.AppHost -- --publisher manifest</c> writes it.</summary>
public sealed class Manifest : IAsyncLifetime
{
    public JsonElement Resources { get; private set; }

    public async ValueTask InitializeAsync()
    {
        var directory = Directory.CreateTempSubdirectory("cuterooms-test-manifest-").FullName;
        try
        {
            var file = Path.Combine(directory, "aspire-manifest.json");
            await using var host = AppHostProcess.Start(new Dictionary<string, string?>(), "--publisher", "manifest", "--output-path", file);
            Assert.True(await host.WaitForExitAsync(TimeSpan.FromSeconds(60)), "publishing did not finish");
            Assert.True(host.ExitCode == 0, host.Describe());
            using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(file));
            Resources = manifest.RootElement.GetProperty("resources").Clone();
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public JsonElement this[string resource] => Resources.GetProperty(resource);

    public string Env(string resource, string variable) => this[resource].GetProperty("env").GetProperty(variable).GetString()!;
}

public sealed class ManifestTests(Manifest manifest) : IClassFixture<Manifest>
{
    [Theory]
    [InlineData("redis", "redis")]
    [InlineData("messaging", "rabbitmq")]
    public void Redis_and_RabbitMQ_are_containers(string resource, string image)
    {
        Assert.Equal("container.v0", manifest[resource].GetProperty("type").GetString());
        Assert.Contains(image, manifest[resource].GetProperty("image").GetString());
    }

    [Theory]
    [InlineData("api", "CuteRooms.Api.csproj")]
    [InlineData("realtime", "CuteRooms.Realtime.csproj")]
    [InlineData("web", "CuteRooms.Web.csproj")]
    public void The_three_services_are_projects(string resource, string project)
    {
        Assert.Equal("project.v0", manifest[resource].GetProperty("type").GetString());
        Assert.EndsWith(project, manifest[resource].GetProperty("path").GetString());
    }

    [Theory]
    [InlineData("api")]
    [InlineData("realtime")]
    public void Api_and_Realtime_reference_Redis_and_RabbitMQ(string resource)
    {
        Assert.Equal("{redis.connectionString}", manifest.Env(resource, "ConnectionStrings__redis"));
        Assert.Equal("{messaging.connectionString}", manifest.Env(resource, "ConnectionStrings__messaging"));
    }

    [Fact]
    public void The_web_references_the_api_and_both_realtime_endpoints_and_is_the_only_external_one()
    {
        Assert.Equal("{api.bindings.http.url}", manifest.Env("web", "services__api__http__0"));
        Assert.Equal("{realtime.bindings.http.url}", manifest.Env("web", "services__realtime__http__0"));
        Assert.Equal("{realtime.bindings.h2c.url}", manifest.Env("web", "services__realtime__h2c__0"));
        Assert.True(manifest["web"].GetProperty("bindings").GetProperty("http").GetProperty("external").GetBoolean());
        Assert.All(new[] { "api", "realtime" }, resource => Assert.DoesNotContain(
            manifest[resource].GetProperty("bindings").EnumerateObject(), binding => binding.Value.TryGetProperty("external", out var external) && external.GetBoolean()));
    }

    [Fact]
    public void Realtime_serves_http2_without_tls_on_its_h2c_port()
    {
        Assert.Equal("http2", manifest["realtime"].GetProperty("bindings").GetProperty("h2c").GetProperty("transport").GetString());
        Assert.Equal("Http2", manifest.Env("realtime", "Kestrel__Endpoints__h2c__Protocols"));
        Assert.Equal("http://+:{realtime.bindings.h2c.targetPort}", manifest.Env("realtime", "Kestrel__Endpoints__h2c__Url"));
    }

    [Fact]
    public void The_web_keeps_its_replicas_shared_keys_in_Redis()
    {
        Assert.Equal("{redis.connectionString}", manifest.Env("web", "ConnectionStrings__redis"));
    }

    [Theory]
    [InlineData("api")]
    [InlineData("realtime")]
    [InlineData("web")]
    public void No_service_believes_forwarded_headers_from_anyone(string resource)
    {
        // ASP.NET Core would take X-Forwarded-For from any client: addresses (and their limits) could be forged.
        Assert.False(manifest[resource].GetProperty("env").TryGetProperty("ASPNETCORE_FORWARDEDHEADERS_ENABLED", out _));
    }

    [Fact]
    public void Nothing_of_this_machine_leaks_into_it()
    {
        var text = manifest.Resources.ToString();

        Assert.DoesNotContain("/tmp/", text);
        Assert.DoesNotContain("redis-server --bind", text);
        Assert.DoesNotContain("Development", text);
    }
}
