using System.Net;

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

        HttpClient? again = null;
        for (var attempt = 0; attempt < 50 && again is null; attempt++)
        {
            again = await OpenAnsweredAsync(); // Kestrel counts the closed one out once it has seen it close
            if (again is null) await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        Assert.NotNull(again);
        held.Connections.Add(again);
    }

    private sealed record HeldConnections(List<HttpClient> Connections) : IDisposable
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

    /// <summary>
    /// A client of one keep-alive connection of its own, once its first request is answered; null when the
    /// Web closed the connection instead.
    /// </summary>
    private async Task<HttpClient?> OpenAnsweredAsync()
    {
        var connection = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = web.WebEndpoint,
            Timeout = TimeSpan.FromSeconds(10),
        };
        if (await AnswersAsync(connection)) return connection;
        connection.Dispose();
        return null;
    }

    /// <summary>Whether <c>GET /health</c> on this connection is answered 200 (false when the Web closes it).</summary>
    private static async Task<bool> AnswersAsync(HttpClient connection)
    {
        try
        {
            using var answer = await connection.GetAsync("/health", TestContext.Current.CancellationToken);
            return answer.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false; // closed or reset by the Web
        }
    }
}
