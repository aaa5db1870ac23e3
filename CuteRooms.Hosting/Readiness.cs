using System.Net.Sockets;
using System.Text;

namespace CuteRooms.Hosting;

/// <summary>Protocol-level "is it ready" probes, one attempt each; callers retry until their deadline.</summary>
internal static class Readiness
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Redis answers <c>PING</c> with <c>+PONG</c> (not <c>-LOADING</c> or an error).</summary>
    public static async Task<bool> RedisAnswersPingAsync(string host, int port, CancellationToken cancellationToken)
    {
        var reply = await ExchangeAsync(host, port, "*1\r\n$4\r\nPING\r\n"u8.ToArray(), cancellationToken);
        return reply is not null && Encoding.ASCII.GetString(reply).StartsWith("+PONG", StringComparison.Ordinal);
    }

    /// <summary>
    /// The broker answers the AMQP 0-9-1 protocol header with a frame (Connection.Start, frame type 1).
    /// </summary>
    public static async Task<bool> AmqpAnswersHeaderAsync(string host, int port, CancellationToken cancellationToken)
    {
        var reply = await ExchangeAsync(host, port, "AMQP\0\0\u0009\u0001"u8.ToArray(), cancellationToken);
        return reply is { Length: > 0 } && reply[0] == 1;
    }

    private static async Task<byte[]?> ExchangeAsync(string host, int port, byte[] request, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(AttemptTimeout);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(host, port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync(request, timeout.Token);
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer, timeout.Token);
            return read > 0 ? buffer[..read] : null;
        }
        catch (Exception ex) when (ex is SocketException or IOException
                                   || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
    }
}
