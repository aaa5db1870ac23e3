using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using CuteRooms.Contracts;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.WebUtilities;

namespace CuteRooms.Web.Edge;

/// <summary>
/// Kestrel refuses some requests itself, before any middleware runs (an encoded NUL in the path, a
/// malformed request line or header, a header section too large), and answers them with an empty
/// body. Those answers leave as problem details with the security headers like every other refusal.
/// Kestrel says it is refusing one (its <c>BadRequest</c> diagnostic event, just before it writes
/// the answer); only then is what it writes on that connection held until its flush, and an
/// empty-bodied 4xx or 5xx there is swapped for problem details. Every other write passes straight
/// through, so the hot path pays one field read per write. Cleartext HTTP/1.x only, which is what the
/// Web serves (TLS ends in front of it): under TLS the wrapper would see ciphertext and step aside.
/// </summary>
public static class ServerRefusals
{
    private const string BadRequestEvent = "Microsoft.AspNetCore.Server.Kestrel.BadRequest";

    public static IHostApplicationBuilder AddServerRefusals(this IHostApplicationBuilder builder)
    {
        // ConfigureEndpointDefaults keeps only the last delegate given: nothing else in the Web sets one.
        builder.Services.Configure<KestrelServerOptions>(kestrel =>
            kestrel.ConfigureEndpointDefaults(endpoint => endpoint.Use(next => connection =>
            {
                var watch = new RefusalWatch();
                connection.Features.Set(watch);
                var transport = connection.Transport;
                connection.Transport = new DuplexPipe(transport.Input, new RefusalRewritingWriter(transport.Output, watch));
                return next(connection);
            })));
        return builder;
    }

    /// <summary>Listens for Kestrel's refusals; the answer's headers are the ones every other answer carries.</summary>
    public static WebApplication UseServerRefusals(this WebApplication app)
    {
        RefusalRewritingWriter.SecurityHeaders = RenderSecurityHeaders(app.Services);
        var listener = app.Services.GetRequiredService<DiagnosticListener>();
        var subscription = listener.Subscribe(new RefusalObserver(), name => name == BadRequestEvent);
        app.Lifetime.ApplicationStopped.Register(subscription.Dispose);
        return app;
    }

    /// <summary>The security headers as the real middleware sets them on a problem answer.</summary>
    private static string RenderSecurityHeaders(IServiceProvider services)
    {
        var response = new RecordingResponseFeature();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Features.Set<IHttpResponseFeature>(response);
        context.Response.ContentType = ProblemContentType;
        var pipeline = new ApplicationBuilder(services).UseSecurityHeaders(Edge.SecurityHeaders.Policy).Build();
        pipeline(context).GetAwaiter().GetResult();
        response.FireOnStarting();
        var headers = new StringBuilder();
        foreach (var (name, values) in context.Response.Headers)
        {
            if (name is "Content-Type") continue;
            foreach (var value in values) headers.Append(name).Append(": ").Append(value).Append("\r\n");
        }
        return headers.ToString();
    }

    private const string ProblemContentType = "application/problem+json";

    /// <summary>Set on a connection while Kestrel writes the answer to a request it refused.</summary>
    private sealed class RefusalWatch
    {
        public volatile bool Refusing;
        public string? TraceIdentifier;
        public bool HeadRequest;
    }

    private sealed class RefusalObserver : IObserver<KeyValuePair<string, object?>>
    {
        public void OnNext(KeyValuePair<string, object?> value)
        {
            // The payload is the request's feature collection, which falls back to the connection's.
            if (value.Value is IFeatureCollection features && features.Get<RefusalWatch>() is { } watch)
            {
                watch.TraceIdentifier = features.Get<IHttpRequestIdentifierFeature>()?.TraceIdentifier;
                watch.HeadRequest = HttpMethods.IsHead(features.Get<IHttpRequestFeature>()?.Method ?? "");
                watch.Refusing = true;
            }
        }

        public void OnCompleted() { }

        public void OnError(Exception error) { }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }

    private sealed class RefusalRewritingWriter(PipeWriter inner, RefusalWatch watch) : PipeWriter
    {
        public static string SecurityHeaders { get; set; } = "";

        private ArrayBufferWriter<byte>? held;
        private bool spanIsHeld;

        // Holding starts with the next buffer asked for. Kestrel raises its event before it writes the
        // refusal, or, when a response has started, only once it will write nothing more on the
        // connection (it ends keep-alive either way), so no response is ever split across the switch.

        public override Memory<byte> GetMemory(int sizeHint = 0)
        {
            spanIsHeld = watch.Refusing;
            return spanIsHeld ? Held.GetMemory(sizeHint) : inner.GetMemory(sizeHint);
        }

        public override Span<byte> GetSpan(int sizeHint = 0)
        {
            spanIsHeld = watch.Refusing;
            return spanIsHeld ? Held.GetSpan(sizeHint) : inner.GetSpan(sizeHint);
        }

        public override void Advance(int bytes)
        {
            if (spanIsHeld) Held.Advance(bytes);
            else inner.Advance(bytes);
        }

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            Release();
            return inner.FlushAsync(cancellationToken);
        }

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null)
        {
            Release();
            inner.Complete(exception);
        }

        public override ValueTask CompleteAsync(Exception? exception = null)
        {
            Release();
            return inner.CompleteAsync(exception);
        }

        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes + (held?.WrittenCount ?? 0);

        private ArrayBufferWriter<byte> Held => held ??= new ArrayBufferWriter<byte>(512);

        /// <summary>Hands what was held on: the refusal rewritten, anything else as it was.</summary>
        private void Release()
        {
            if (held is not { WrittenCount: > 0 })
            {
                return;
            }
            watch.Refusing = false;
            var written = held.WrittenSpan;
            inner.Write(EmptyRefusal(written, out var head, out var status)
                ? Rewritten(head, status, watch.TraceIdentifier, withBody: !watch.HeadRequest)
                : written);
            held.Clear();
        }

        /// <summary>An HTTP/1.x 4xx or 5xx whose headers end the bytes and say its body is empty.</summary>
        private static bool EmptyRefusal(ReadOnlySpan<byte> written, out string head, out int status)
        {
            (head, status) = ("", 0);
            if (written.Length < 16 || !written.StartsWith("HTTP/1."u8) || !written.EndsWith("\r\n\r\n"u8)
                || written[9] is not ((byte)'4' or (byte)'5'))
            {
                return false;
            }
            head = Encoding.ASCII.GetString(written[..^2]);
            status = int.Parse(head.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);
            return head.Contains("\r\nContent-Length: 0\r\n", StringComparison.OrdinalIgnoreCase)
                && !head.Contains("\r\nContent-Type:", StringComparison.OrdinalIgnoreCase);
        }

        /// <param name="traceId">Kestrel's request id: no trace was started for a request it refused.</param>
        /// <param name="withBody">False for a HEAD: the headers say what a GET would have had, and no body follows.</param>
        private static byte[] Rewritten(string head, int status, string? traceId, bool withBody)
        {
            var (type, detail) = ProblemDetailsDefaults.Describe(status);
            var problem = new ProblemDetails { Type = type, Status = status, Title = ReasonPhrases.GetReasonPhrase(status), Detail = detail };
            if (traceId is not null) problem.Extensions["traceId"] = traceId;
            var body = JsonSerializer.SerializeToUtf8Bytes(problem, JsonSerializerOptions.Web);
            var headers = head.Replace("Content-Length: 0\r\n", "", StringComparison.OrdinalIgnoreCase)
                + $"Content-Type: {ProblemContentType}\r\nContent-Length: {body.Length}\r\n{SecurityHeaders}\r\n";
            return withBody ? [.. Encoding.ASCII.GetBytes(headers), .. body] : Encoding.ASCII.GetBytes(headers);
        }
    }

    /// <summary>A response feature that keeps its OnStarting callbacks so the headers they set can be read.</summary>
    private sealed class RecordingResponseFeature : HttpResponseFeature
    {
        private readonly List<(Func<object, Task> Callback, object State)> starting = [];

        public override void OnStarting(Func<object, Task> callback, object state) => starting.Add((callback, state));

        public void FireOnStarting()
        {
            for (var index = starting.Count - 1; index >= 0; index--)
            {
                starting[index].Callback(starting[index].State).GetAwaiter().GetResult();
            }
        }
    }
}
