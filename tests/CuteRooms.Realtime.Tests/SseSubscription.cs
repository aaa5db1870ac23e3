using System.Net;
using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Threading.Channels;
using CuteRooms.Contracts;

namespace CuteRooms.Realtime.Tests;

/// <summary>
/// A test's SSE client: one stream of a room, its events queued for the test to read. Opened with
/// <c>resuming</c>, it does what every <c>EventSource</c> does when the server ends a stream without
/// a final event (a subscriber too far behind, a replica stopping): it connects again with the last
/// id it saw, so the events it queues are the room's as a browser would see them.
/// </summary>
public sealed class SseSubscription : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan ResumeDelay = TimeSpan.FromMilliseconds(200);
    private readonly Channel<SseItem<string>> events = Channel.CreateUnbounded<SseItem<string>>();
    private readonly CancellationTokenSource stop = new();
    private readonly Uri realtime;
    private readonly string roomId, token;
    private readonly bool resuming;
    private HttpResponseMessage response;
    private readonly Task reading;
    private string? lastEventId;
    private int resumptions;

    private SseSubscription(HttpResponseMessage response, Uri realtime, string roomId, string token, string? lastEventId, bool resuming)
    {
        this.response = response;
        (this.realtime, this.roomId, this.token, this.lastEventId, this.resuming) = (realtime, roomId, token, lastEventId, resuming);
        reading = Task.Run(ReadAsync);
    }

    /// <summary>Completes when the server ended the stream (for good, when resuming).</summary>
    public Task Ended => reading;

    /// <summary>How often a resuming subscription connected again.</summary>
    public int Resumptions => Volatile.Read(ref resumptions);

    public static async Task<SseSubscription> OpenAsync(Uri realtime, string roomId, string token, string? lastEventId = null, bool resuming = false)
    {
        var response = await SendAsync(realtime, roomId, token, lastEventId);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new SseSubscription(response, realtime, roomId, token, lastEventId, resuming);
    }

    // One client for every stream of the run: a client created per stream could be collected while
    // its response is still being read.
    private static readonly HttpClient Http = new() { Timeout = Timeout.InfiniteTimeSpan };

    public static async Task<HttpResponseMessage> SendAsync(Uri realtime, string roomId, string? token, string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(realtime, $"realtime/rooms/{roomId}/events"));
        if (token is not null) request.Headers.Add("Cookie", $"{AuthCookie.Name}={token}");
        if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);
        return await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    private async Task ReadAsync()
    {
        try
        {
            while (await ReadOneStreamAsync() && resuming && !stop.IsCancellationRequested)
            {
                await Task.Delay(ResumeDelay, stop.Token);
                var next = await SendAsync(realtime, roomId, token, lastEventId);
                if (next.StatusCode != HttpStatusCode.OK)
                {
                    next.Dispose();
                    return;
                }
                response.Dispose();
                response = next;
                Interlocked.Increment(ref resumptions);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or HttpRequestException or ObjectDisposedException)
        {
            // closed by the test while connecting again
        }
        finally
        {
            events.Writer.TryComplete();
        }
    }

    /// <summary>Queues one response's events; true when it ended without a final event (a client would come back).</summary>
    private async Task<bool> ReadOneStreamAsync()
    {
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(stop.Token);
            var parser = SseParser.Create(body);
            try
            {
                await foreach (var item in parser.EnumerateAsync(stop.Token))
                {
                    await events.Writer.WriteAsync(item);
                    if (item.EventType is RoomEventTypes.Destroyed or RoomEventTypes.Expired) return false;
                }
            }
            finally
            {
                // A bare id (the resume point of a stream opened without one) counts too, as in EventSource.
                if (!string.IsNullOrEmpty(parser.LastEventId)) lastEventId = parser.LastEventId;
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or HttpRequestException or ObjectDisposedException)
        {
            // closed by the test (maybe before reading began) or the server
        }
        return !stop.IsCancellationRequested;
    }

    /// <summary>The next event of <paramref name="type"/>, skipping others; null when the stream ended or time ran out.</summary>
    public async Task<SseItem<string>?> NextAsync(string type, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            while (await events.Reader.WaitToReadAsync(deadline.Token))
            {
                while (events.Reader.TryRead(out var item))
                {
                    if (item.EventType == type) return item;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        return null;
    }

    public async Task<List<MessageResponse>> MessagesAsync(int count, TimeSpan? timeout = null)
    {
        var messages = new List<MessageResponse>(count);
        while (messages.Count < count && await NextAsync(RoomEventTypes.Message, timeout) is { } item)
        {
            var message = JsonSerializer.Deserialize<MessageResponse>(item.Data, Json)!;
            Assert.Equal(message.Id, item.EventId);
            messages.Add(message);
        }
        return messages;
    }

    /// <summary>Waits for a <c>presence</c> event that satisfies <paramref name="condition"/>.</summary>
    public async Task<PresenceSnapshot?> PresenceAsync(Func<PresenceSnapshot, bool> condition, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until && await NextAsync(RoomEventTypes.Presence, until - DateTime.UtcNow) is { } item)
        {
            var presence = JsonSerializer.Deserialize<PresenceSnapshot>(item.Data, Json)!;
            if (condition(presence)) return presence;
        }
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await reading; // the read is cancelled first: a response disposed under it could throw instead
        response.Dispose();
        stop.Dispose();
    }
}
