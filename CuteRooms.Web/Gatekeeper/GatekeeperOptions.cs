using System.ComponentModel.DataAnnotations;

namespace CuteRooms.Web.Gatekeeper;

/// <summary>Settings of the gatekeeper, from the <c>Gatekeeper</c> configuration section; validated on start.</summary>
public sealed class GatekeeperOptions
{
    public const string SectionName = "Gatekeeper";

    /// <summary>
    /// How long the browser keeps its <c>x-auth-token</c> cookie. One token serves every room the
    /// browser joins, so it outlives any single room (a room lives at most a day past its last activity).
    /// </summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "400.00:00:00")]
    public TimeSpan CookieLifetime { get; set; } = TimeSpan.FromDays(30);
}
