using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Model;

namespace CuteRooms.Web.Gateway;

/// <summary>
/// How the gateway holds a browser's event stream, which has its HTTP/1.1 connection to itself:
/// its kernel send buffer is small, so a reader that stalls stops taking frames within a few; it is
/// ended once its peer has acknowledged nothing for the stall bound (<see cref="StalledStreamWatch"/>);
/// and while it lasts its linger is 0, so that when it is cut off (here, or by Realtime through the
/// forwarder) what the kernel still holds for the stalled peer is dropped with a reset, not kept for
/// minutes by a close the peer never acknowledges. The browser resumes by id (EventSource reconnects
/// with <c>Last-Event-ID</c>).
/// </summary>
public static class EventStreamConnection
{
    public static async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        if (context.GetReverseProxyFeature().Route.Config.RouteId != GatewayConfig.RealtimeRoute
            || StreamSockets.OwnSocket(context) is not { } socket)
        {
            await next();
            return;
        }

        var options = context.RequestServices.GetRequiredService<IOptions<GatewayOptions>>().Value;
        if (options.StreamSendBufferBytes > 0) StreamSockets.SetSendBuffer(socket, options.StreamSendBufferBytes);
        StreamSockets.ResetOnClose(socket, reset: true);
        using (context.RequestServices.GetRequiredService<StalledStreamWatch>().Watch(context, socket))
        {
            await next();
        }

        // The stream ended without an abort (the room ended, a refusal): the connection may carry
        // the browser's next request, whose close must not drop what it was sent. (Its send buffer
        // stays small; Linux cannot give a socket back its autotuning.)
        if (!context.RequestAborted.IsCancellationRequested) StreamSockets.ResetOnClose(socket, reset: false);
    }
}
