namespace Microsoft.Extensions.Hosting;

/// <summary>The AppHost's resource names, which are also the keys of <c>ConnectionStrings:*</c> and <c>services:*</c>.</summary>
public static class ResourceNames
{
    public const string Redis = "redis";
    public const string Messaging = "messaging";
    public const string Api = "api";
    public const string Realtime = "realtime";
}
