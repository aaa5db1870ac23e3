namespace CuteRooms.Contracts;

/// <summary>Stable <c>type</c> values of the problem details every error is answered with.</summary>
public static class ProblemTypes
{
    private const string Prefix = "urn:cuterooms:problem:";

    public const string ValidationFailed = Prefix + "validation-failed";
    public const string MalformedRequest = Prefix + "malformed-request";
    public const string PayloadTooLarge = Prefix + "payload-too-large";
    public const string MissingToken = Prefix + "missing-token";
    public const string NotAMember = Prefix + "not-a-member";
    public const string RoomNotFound = Prefix + "room-not-found";
    public const string NotFound = Prefix + "not-found";
    public const string MethodNotAllowed = Prefix + "method-not-allowed";
    public const string UnsupportedMediaType = Prefix + "unsupported-media-type";
    public const string RoomFull = Prefix + "room-full";
    public const string NameTaken = Prefix + "name-taken";
    public const string RateLimited = Prefix + "rate-limited";
    public const string CrossSiteRequest = Prefix + "cross-site-request";
    public const string FormExpired = Prefix + "form-expired";
    public const string IdempotencyKeyReused = Prefix + "idempotency-key-reused";
    public const string ServiceUnavailable = Prefix + "service-unavailable";
    public const string ClientError = Prefix + "client-error";
    public const string Unexpected = Prefix + "unexpected";
}
