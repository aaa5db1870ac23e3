using Microsoft.Extensions.Configuration;

namespace CuteRooms.AppHost.Tests;

public sealed class AppHostOptionsTests
{
    private static AppHostOptions Parse(params string[] args) =>
        AppHostOptions.From(new ConfigurationBuilder().AddCommandLine(AppHostOptions.ExpandSwitches(args)).Build());

    [Fact]
    public void Without_options_the_web_is_on_8080_with_two_realtime_replicas()
    {
        var options = Parse();

        Assert.Equal(8080, options.WebPort);
        Assert.Equal(2, options.RealtimeReplicas);
        Assert.Empty(options.ServiceSettings);
    }

    [Theory]
    [InlineData("--port", "18080")]
    [InlineData("--port=18080")]
    [InlineData("--CuteRooms:WebPort=18080")]
    public void The_port_comes_from_the_short_switch_or_the_configuration_key(params string[] args) =>
        Assert.Equal(18080, Parse(args).WebPort);

    [Fact]
    public void Port_0_means_any_free_port() => Assert.Null(Parse("--port", "0").WebPort);

    [Fact]
    public void Service_settings_become_environment_variables_of_every_service()
    {
        var options = Parse("--CuteRooms:ServiceSettings:Realtime:HeartbeatInterval=00:00:02");

        Assert.Equal("00:00:02", options.ServiceSettings["Realtime__HeartbeatInterval"]);
    }

    [Fact]
    public void Api_replicas_default_to_one_and_take_the_short_switch()
    {
        Assert.Equal(1, Parse().ApiReplicas);
        Assert.Equal(2, Parse("--api-replicas", "2").ApiReplicas);
    }

    [Fact]
    public void Web_replicas_default_to_one_and_take_the_short_switch()
    {
        Assert.Equal(1, Parse().WebReplicas);
        Assert.Equal(3, Parse("--web-replicas", "3").WebReplicas);
    }

    [Fact]
    public void Resource_settings_reach_only_their_service()
    {
        var options = Parse("--CuteRooms:ResourceSettings:web:TrustedProxies:Networks:0=10.0.0.0/8", "--CuteRooms:ServiceSettings:A=1");

        Assert.Contains(new KeyValuePair<string, string>("TrustedProxies__Networks__0", "10.0.0.0/8"), options.SettingsFor("web"));
        Assert.DoesNotContain(options.SettingsFor("api"), setting => setting.Key.StartsWith("TrustedProxies", StringComparison.Ordinal));
        Assert.Contains(new KeyValuePair<string, string>("A", "1"), options.SettingsFor("api"));
    }

    [Fact]
    public void A_replica_named_apart_gets_its_services_settings_and_its_own()
    {
        var options = Parse("--CuteRooms:ResourceSettings:web:A=1", "--CuteRooms:ResourceSettings:web-1:HOME=/elsewhere");

        Assert.Contains(new KeyValuePair<string, string>("HOME", "/elsewhere"), options.SettingsFor("web", "web-1"));
        Assert.Contains(new KeyValuePair<string, string>("A", "1"), options.SettingsFor("web", "web-1"));
        Assert.DoesNotContain(options.SettingsFor("web", "web"), setting => setting.Key == "HOME");
    }
}
