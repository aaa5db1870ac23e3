using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using CuteRooms.Contracts;

namespace CuteRooms.AppHost.Tests;

/// <summary>
/// One AppHost run as a newcomer runs it: no connection strings, no container runtime, so Redis and
/// RabbitMQ are started from PATH; the dashboard on; a Chromium to look at it.
/// </summary>
public sealed class RunningAppHost : IAsyncLifetime
{
    /// <summary>How long a start may take at all; a warm one is held to <see cref="WarmStartBudget"/>.</summary>
    public static readonly TimeSpan StartBudget = TimeSpan.FromSeconds(120);

    /// <summary>
    /// Built, on two cores with nothing else running (the test projects run one at a time): 25-27 s
    /// here, as bench/apphost-start.sh measures it through `dotnet run` (29-30 s, once 44.6 s in CI,
    /// before PatientStartupHealthChecks made the AppHost see each server the moment it is ready).
    /// </summary>
    public static readonly TimeSpan WarmStartBudget = TimeSpan.FromSeconds(40);

    public AppHostProcess Host { get; private set; } = null!;
    public Uri Web { get; private set; } = null!;
    public TimeSpan TimeToHealthy { get; private set; }
    public IBrowser Browser { get; private set; } = null!;
    private IPlaywright? playwright;

    public async ValueTask InitializeAsync()
    {
        var clock = Stopwatch.StartNew();
        Host = AppHostProcess.Start(new Dictionary<string, string?>(), "--port", LoopbackPorts.Free().ToString());
        Web = await Host.WaitUntilUpAsync(StartBudget);
        using var http = new HttpClient();
        while ((await http.GetAsync(new Uri(Web, "/health"))).StatusCode != HttpStatusCode.OK)
        {
            Assert.True(clock.Elapsed < StartBudget, "the Web said it was up but its /health never answered 200");
            await Task.Delay(100);
        }
        TimeToHealthy = clock.Elapsed;
        TestContext.Current.SendDiagnosticMessage($"RunningAppHost: the Web's /health answered 200 {TimeToHealthy.TotalSeconds:F1} s after start");

        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(BrowserSettings.Launch);
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        playwright?.Dispose();
        if (Host is not null) await Host.DisposeAsync();
    }
}

public sealed class RunningAppHostTests(RunningAppHost run) : IClassFixture<RunningAppHost>
{
    private static readonly string[] Resources = ["redis", "messaging", "api", "realtime-0", "realtime-1", "web"];

    [Fact]
    public void It_prints_the_dashboard_address()
    {
        Assert.Contains(run.Host.StandardOutput, line => line.Contains($"Dashboard:  {run.Host.Dashboard.GetLeftPart(UriPartial.Authority)}"));
    }

    [Fact]
    public void It_prints_the_web_address_once_the_web_answers_on_it()
    {
        Assert.Contains(run.Host.StandardOutput, line => line.Contains($"CuteRooms is up at {run.Web.GetLeftPart(UriPartial.Authority)}"));
    }

    [Fact]
    public void Started_warm_the_web_is_healthy_within_40_seconds()
    {
        Assert.True(run.TimeToHealthy < RunningAppHost.WarmStartBudget, $"the Web's /health answered 200 after {run.TimeToHealthy}");
    }

    [Fact]
    public async Task The_dashboard_lists_every_resource_as_running_and_healthy()
    {
        var page = await run.Browser.NewPageAsync(new() { ViewportSize = new() { Width = 1600, Height = 1000 } });

        foreach (var resource in Resources)
        {
            // A fresh list each time: an open details pane lists references, which are rows too.
            await page.GotoAsync(run.Host.Dashboard.ToString());
            var row = page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByText(resource, new() { Exact = true }) });
            await Expect(row).ToContainTextAsync("Running", new() { Timeout = 30_000 });

            await row.GetByText(resource, new() { Exact = true }).ClickAsync();
            await Expect(page.GetByText(new Regex($"^(Executable|Project|Container|ConnectionString): {Regex.Escape(resource)}$"))).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Health state" })).ToContainTextAsync("Healthy", new() { Timeout = 30_000 });
        }
    }

    [Fact]
    public async Task The_dashboard_shows_one_posted_message_traced_from_the_web_through_the_api_and_rabbitmq_to_the_realtime_replica_holding_the_room()
    {
        var roomId = await PostMessageThroughTheWebAsync(run.Web);
        var traceId = await TraceOfPostAsync(roomId);

        var page = await run.Browser.NewPageAsync(new() { ViewportSize = new() { Width = 1600, Height = 1000 } });
        await page.GotoAsync(new Uri(run.Host.Dashboard, $"/traces/detail/{traceId}").ToString());

        ILocator Span(string name, string resource) =>
            page.GetByRole(AriaRole.Row).Filter(new() { HasText = name }).Filter(new() { HasText = resource });
        await Expect(Span("POST /api/{**catch-all}", "web").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(Span("POST /api/rooms/{id}/messages", "api").First).ToBeVisibleAsync();
        // Room events go to one exchange, routed by room id (RoomEventTopology).
        await Expect(Span("rabbitmq send cuterooms.room-events", "api").First).ToBeVisibleAsync();
        // Only the replica holding the room's stream receives its events.
        await Expect(Span("receive", "realtime-").First).ToBeVisibleAsync();
    }

    /// <summary>What a browser does, in plain HTTP: create a room, be admitted by the gatekeeper, open the room's stream, post.</summary>
    private static async Task<string> PostMessageThroughTheWebAsync(Uri web)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = web };
        var created = await client.PostAsJsonAsync("/api/rooms", new CreateRoomRequest("traced"));
        var room = (await created.Content.ReadFromJsonAsync<RoomResponse>())!;
        using var admitted = await client.GetAsync($"/room/{room.Id}");
        var cookie = admitted.Headers.GetValues("Set-Cookie").Single(value => value.StartsWith(AuthCookie.Name + "=", StringComparison.Ordinal));

        // A replica receives the events of rooms it holds a stream of: hold one while posting.
        using var events = new HttpRequestMessage(HttpMethod.Get, $"/realtime/rooms/{room.Id}/events");
        events.Headers.Add("Cookie", cookie[..cookie.IndexOf(';')]);
        using var stream = await client.SendAsync(events, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        await using var body = await stream.Content.ReadAsStreamAsync();
        var received = new System.Text.StringBuilder();
        async Task ReadUntilAsync(string text)
        {
            var buffer = new byte[4096];
            while (!received.ToString().Contains(text, StringComparison.Ordinal))
            {
                var n = await body.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(15));
                Assert.True(n > 0, $"the stream ended before it said {text}");
                received.Append(System.Text.Encoding.UTF8.GetString(buffer, 0, n));
            }
        }
        await ReadUntilAsync("event: presence");

        // The stream joins its room's pump after its opening events, and the replica binds the room's
        // events then: a post before that is caught up from Redis, with no event to trace. One message
        // received says it is bound.
        await PostAsync("before the traced one");
        await ReadUntilAsync("before the traced one");

        await PostAsync("hello, dashboard");
        await ReadUntilAsync("hello, dashboard"); // delivered: its replica consumed the event
        return room.Id;

        async Task PostAsync(string text)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/rooms/{room.Id}/messages") { Content = JsonContent.Create(new PostMessageRequest(text)) };
            request.Headers.Add("Cookie", cookie[..cookie.IndexOf(';')]);
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
    }

    /// <summary>
    /// Finds the trace of the post through the dashboard's telemetry API, once the spans of the Realtime
    /// replica that received it have arrived (services export every second).
    /// </summary>
    private async Task<string> TraceOfPostAsync(string roomId)
    {
        using var http = new HttpClient { BaseAddress = run.Host.Dashboard };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            using var traces = JsonDocument.Parse(await http.GetStringAsync("/api/telemetry/traces?limit=1000"));
            var spans = traces.RootElement.GetProperty("data").GetProperty("resourceSpans").EnumerateArray()
                .SelectMany(resource => resource.GetProperty("scopeSpans").EnumerateArray()
                    .SelectMany(scope => scope.GetProperty("spans").EnumerateArray())
                    .Select(span => (Service: ServiceName(resource), TraceId: span.GetProperty("traceId").GetString()!, Span: span)))
                .ToList();
            var posts = spans.Where(span => span.Service == "api" && span.Span.GetProperty("name").GetString()!.StartsWith("POST", StringComparison.Ordinal)
                && span.Span.GetProperty("attributes").EnumerateArray().Any(attribute => attribute.GetProperty("value").ToString().Contains($"/api/rooms/{roomId}/messages"))).ToList();
            var post = posts.FirstOrDefault(candidate => spans.Any(span => span.TraceId == candidate.TraceId && span.Service.StartsWith("realtime-", StringComparison.Ordinal)));
            if (post.TraceId is { } traceId) return traceId;
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), $"no complete trace of the post to room {roomId} in the dashboard; spans of its trace: " +
                string.Join(", ", spans.Where(span => posts.Any(candidate => candidate.TraceId == span.TraceId)).Select(span => $"{span.Service}: {span.Span.GetProperty("name").GetString()}")));
            await Task.Delay(500);
        }
    }

    private static string ServiceName(JsonElement resource) =>
        resource.GetProperty("resource").GetProperty("attributes").EnumerateArray()
            .Single(attribute => attribute.GetProperty("key").GetString() == "service.name")
            .GetProperty("value").GetProperty("stringValue").GetString()!;
}
