using System.Net.Sockets;
using System.Text;

namespace CuteRooms.Web.Tests;

/// <summary>A Web whose connection cap (<c>Kestrel:Limits:MaxConcurrentConnections</c>) a test can reach.</summary>
public sealed class CappedWebFixture : IAsyncLifetime
{
    public const int Cap = 8;

    private TestSystem? system;

    public Uri WebEndpoint => (system ?? throw new InvalidOperationException("The system has not started.")).WebEndpoint;

    public async ValueTask InitializeAsync() =>
        system = await TestSystem.StartAsync("web-connection-cap", realtimeReplicas: 1,
            webSettings: new Dictionary<string, string> { ["Kestrel:Limits:MaxConcurrentConnections"] = $"{Cap}" });

    public async ValueTask DisposeAsync()
    {
        if (system is not null) await system.DisposeAsync();
    }
}

/// <summary>
/// Past its cap (by default its open-file limit less what it needs itself) the Web closes a new connection
/// at once and keeps serving the ones it holds, so that a flood of connections cannot take it to the
/// open-file limit, where it failed with every stream it held.
/// </summary>
public sealed class ConnectionCapTests(CappedWebFixture web) : IClassFixture<CappedWebFixture>
{
    [Fact]
    public async Task Past_the_cap_a_new_connection_is_closed_and_the_held_ones_keep_being_answered()
    {
        using var held = await FillToTheCapAsync();

        Assert.Null(await OpenAnsweredAsync());
        foreach (var connection in held.Connections) Assert.True(await AnswersAsync(connection), "a held connection stopped being answered");
    }

    [Fact]
    public async Task A_connection_that_closes_makes_room_for_a_new_one()
    {
        using var held = await FillToTheCapAsync();
        held.Connections[^1].Dispose();
        held.Connections.RemoveAt(held.Connections.Count - 1);

        TcpClient? again = null;
        for (var attempt = 0; attempt < 50 && again is null; attempt++)
        {
            again = await OpenAnsweredAsync(); // Kestrel counts the closed one out once it has seen it close
            if (again is null) await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        Assert.NotNull(again);
        held.Connections.Add(again);
    }

    private sealed record HeldConnections(List<TcpClient> Connections) : IDisposable
    {
        public void Dispose() => Connections.ForEach(connection => connection.Dispose());
    }

    /// <summary>
    /// Opens answered connections until the Web refuses one: at most the cap, and fewer when the
    /// orchestrator's health probe holds one too.
    /// </summary>
    private async Task<HeldConnections> FillToTheCapAsync()
    {
        var held = new HeldConnections([]);
        while (held.Connections.Count <= CappedWebFixture.Cap && await OpenAnsweredAsync() is { } connection) held.Connections.Add(connection);
        Assert.InRange(held.Connections.Count, 1, CappedWebFixture.Cap);
        return held;
    }

    /// <summary>A new keep-alive connection once its first request is answered; null when the Web closed it instead.</summary>
    private async Task<TcpClient?> OpenAnsweredAsync()
    {
        var connection = new TcpClient();
        await connection.ConnectAsync(web.WebEndpoint.Host, web.WebEndpoint.Port, TestContext.Current.CancellationToken);
        if (await AnswersAsync(connection)) return connection;
        connection.Dispose();
        return null;
    }

    /// <summary>Whether <c>GET /health</c> on this connection is answered 200 (false when the Web closes it).</summary>
    private static async Task<bool> AnswersAsync(TcpClient connection)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var stream = connection.GetStream();
        try
        {
            await stream.WriteAsync("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"u8.ToArray(), timeout.Token);
            var answer = new StringBuilder();
            var buffer = new byte[4096];
            while (!answer.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer, timeout.Token);
                if (read == 0) return false;
                answer.Append(Encoding.Latin1.GetString(buffer, 0, read));
            }
            // Read the rest of the short body, so that the next request on this connection starts clean.
            var text = answer.ToString();
            var head = text[..(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)];
            var length = head.Split("\r\n").Where(line => line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                .Select(line => int.Parse(line["Content-Length:".Length..].Trim())).FirstOrDefault();
            bool Complete(string all) => head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase)
                ? all.EndsWith("0\r\n\r\n", StringComparison.Ordinal)
                : all.Length - head.Length >= length;
            while (!Complete(text))
            {
                var read = await stream.ReadAsync(buffer, timeout.Token);
                if (read == 0) return false;
                text += Encoding.Latin1.GetString(buffer, 0, read);
            }
            return text.StartsWith("HTTP/1.1 200", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false; // reset by the Web
        }
    }
}
