namespace CuteRooms.Web.Edge;

/// <summary>
/// The headers every answer carries, pages, scripts, API answers and streams alike: a CSP with no
/// inline script or style and no framing, no referrer (a room's link is its key: following a link
/// out of a room must not hand it to another site), no MIME sniffing.
/// </summary>
public static class SecurityHeaders
{
    public static HeaderPolicyCollection Policy { get; } = new HeaderPolicyCollection()
        .AddContentTypeOptionsNoSniff()
        .AddReferrerPolicyNoReferrer()
        .AddFrameOptionsDeny()
        .AddCrossOriginOpenerPolicy(policy => policy.SameOrigin())
        .AddContentSecurityPolicy(csp =>
        {
            csp.AddDefaultSrc().Self();
            csp.AddScriptSrc().Self();
            csp.AddStyleSrc().Self();
            csp.AddImgSrc().Self().Data();
            csp.AddFontSrc().Self();
            csp.AddConnectSrc().Self();
            csp.AddFormAction().Self();
            csp.AddFrameAncestors().None();
            csp.AddObjectSrc().None();
            csp.AddBaseUri().None();
        })
        .RemoveServerHeader();
}
