namespace CuteRooms.Contracts;

/// <summary>Limits every service applies to what a client sends.</summary>
public static class RequestLimits
{
    /// <summary>
    /// The largest request body accepted: the Api's bodies are small JSON documents (a message is at
    /// most a few KiB). The Api refuses more before reading it, and so does the gateway in front.
    /// </summary>
    public const long MaxBodyBytes = 64 * 1024;
}
