using System.Net.Sockets;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The socket of an event stream that has its connection to itself (HTTP/1.x; an HTTP/2 connection
/// is shared by many streams and left alone), tuned for a reader that may stall. Each call is a no-op
/// once the peer has gone.
/// </summary>
public static class StreamSockets
{
    public static Socket? OwnSocket(HttpContext http) =>
        HttpProtocol.IsHttp11(http.Request.Protocol) || HttpProtocol.IsHttp10(http.Request.Protocol)
            ? http.Features.Get<IConnectionSocketFeature>()?.Socket
            : null;

    /// <summary>A small kernel send buffer, so a stalled reader's backlog waits where its age is seen.</summary>
    public static void SetSendBuffer(Socket socket, int bytes) => Try(() => socket.SendBufferSize = bytes);

    /// <summary>
    /// Linger 0 while <paramref name="reset"/>: closing resets the connection and the kernel drops what
    /// it still holds for the peer, instead of keeping it for minutes behind a close a stalled peer never
    /// acknowledges. Off again for a connection that may carry an ordinary response next.
    /// </summary>
    public static void ResetOnClose(Socket socket, bool reset) => Try(() => socket.LingerState = new LingerOption(reset, 0));

    private static void Try(Action tune)
    {
        try
        {
            tune();
        }
        catch (Exception exception) when (exception is ObjectDisposedException or SocketException)
        {
            // The peer is already gone: the stream ends at its next write.
        }
    }
}
