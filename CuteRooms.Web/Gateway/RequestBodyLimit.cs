using CuteRooms.Contracts;
using Microsoft.AspNetCore.Http.Features;

namespace CuteRooms.Web.Gateway;

/// <summary>
/// Refuses an oversized body at the gateway. Left to the Api, the refusal races the body still
/// being forwarded: the Api answers 413 and closes, and the gateway, mid-way through sending, may
/// only see a broken connection and answer 502.
/// </summary>
public static class RequestBodyLimit
{
    public static async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        if (context.Request.ContentLength > RequestLimits.MaxBodyBytes)
        {
            await ProblemDetailsDefaults.ForStatus(StatusCodes.Status413PayloadTooLarge).ExecuteAsync(context);
            return;
        }

        // A body of undeclared length is counted as it is forwarded and cut off at the same size
        // (the forwarder answers 413). Lowering the server's own limit instead would make it drop
        // the connection without reading the rest, and the client, still sending, may never see
        // the answer.
        if (context.Request.ContentLength is null && context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true)
            context.Request.Body = new LimitedBody(context.Request.Body, RequestLimits.MaxBodyBytes);
        await next();
    }

    private sealed class LimitedBody(Stream inner, long limit) : Stream
    {
        private long read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => read; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        private int Count(int bytes)
        {
            read += bytes;
            if (read > limit)
                throw new BadHttpRequestException($"The request body may be at most {limit / 1024} KiB.", StatusCodes.Status413PayloadTooLarge);
            return bytes;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
