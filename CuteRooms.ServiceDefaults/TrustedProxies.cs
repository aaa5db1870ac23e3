using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Who may say where a request came from, from the <c>TrustedProxies</c> configuration section:
/// addresses or CIDR networks whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed.
/// From anyone else those headers are ignored, so a client cannot choose its own address (the
/// limits are per address) or pretend to be on HTTPS.
/// </summary>
public sealed class TrustedProxyOptions : IValidatableObject
{
    public const string SectionName = "TrustedProxies";

    /// <summary>For example <c>10.0.0.0/8</c> or <c>192.0.2.7</c>; null takes the service's default.</summary>
    public string[]? Networks { get; set; }

    /// <summary>How many trusted proxies stand in a row (a CDN, then a load balancer: 2); entries further left are the client's own claims.</summary>
    [Range(1, 10)] public int ForwardLimit { get; set; } = 1;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var network in Networks ?? [])
        {
            if (!TryParse(network, out _))
                yield return new ValidationResult($"TrustedProxies:Networks: '{network}' is neither an IP address nor a CIDR network.");
        }
    }

    internal static bool TryParse(string text, out System.Net.IPNetwork network)
    {
        if (System.Net.IPNetwork.TryParse(text, out network)) return true;
        if (IPAddress.TryParse(text, out var address))
        {
            network = new System.Net.IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }
        return false;
    }
}

public static class TrustedProxiesExtensions
{
    /// <summary>Loopback: the Web's gateway in front of the Api on one machine (the AppHost, the tests).</summary>
    public static readonly string[] Loopback = ["127.0.0.1/32", "::1/128"];

    /// <param name="defaultNetworks">Trusted when the configuration names none.</param>
    public static IHostApplicationBuilder AddTrustedProxies(this IHostApplicationBuilder builder, string[] defaultNetworks)
    {
        builder.Services.AddOptions<TrustedProxyOptions>()
            .BindConfiguration(TrustedProxyOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<TrustedProxyOptions>>((forwarded, trusted) =>
        {
            // Both default lists trust loopback (the obsolete one is still read), and with both empty
            // the middleware trusts every sender: so they are refilled, and with nothing to trust
            // nothing is read at all.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
#pragma warning disable ASPDEPR005 // KnownNetworks is obsolete in .NET 10 but still read
            forwarded.KnownNetworks.Clear();
#pragma warning restore ASPDEPR005
            foreach (var text in trusted.Value.Networks is { Length: > 0 } networks ? networks : defaultNetworks)
            {
                if (TrustedProxyOptions.TryParse(text, out var network)) forwarded.KnownIPNetworks.Add(network);
            }
            forwarded.ForwardedHeaders = forwarded.KnownIPNetworks.Count > 0
                ? ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto
                : ForwardedHeaders.None;
            forwarded.ForwardLimit = trusted.Value.ForwardLimit;
        });
        return builder;
    }

    public static WebApplication UseTrustedProxies(this WebApplication app)
    {
        app.UseForwardedHeaders();
        return app;
    }
}
