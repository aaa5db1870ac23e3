using System.Net.Sockets;
using System.Text;

namespace CuteRooms.Web.Tests;

/// <summary>
/// An answer to bytes sent as they are, for requests no HTTP client would send (a malformed request
/// line, a control character in the path); the connection is read until the server closes it.
/// </summary>
public sealed record RawAnswer(int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, string Body)
{
    public string? Header(string name) =>
        Headers.Where(header => header.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(header => header.Value).FirstOrDefault();

    public static async Task<RawAnswer> SendAsync(Uri server, string request)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port, timeout.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request), timeout.Token);
        using var received = new MemoryStream();
        await stream.CopyToAsync(received, timeout.Token);

        var text = Encoding.UTF8.GetString(received.ToArray());
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(end > 0, $"No complete answer: {text}");
        var lines = text[..end].Split("\r\n");
        var headers = lines[1..].Select(line => line.Split(':', 2)).Select(pair => KeyValuePair.Create(pair[0], pair[1].Trim())).ToList();
        return new RawAnswer(int.Parse(lines[0].Split(' ')[1]), headers, text[(end + 4)..]);
    }
}
