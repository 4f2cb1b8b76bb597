using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace ThreadSync.Gateway.Providers.Internal;

/// <summary>
/// A provider's response body that adds the time each read waits to the request's <see cref="GatewayTiming"/>, so a
/// stream's silences between tokens count as upstream time and the parsing between reads as the gateway's own.
/// </summary>
internal sealed class UpstreamTimedStream(Stream inner, GatewayTiming timing) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Wraps <paramref name="body"/> when the request is being timed; returns it unchanged otherwise.</summary>
    public static Stream Wrap(Stream body) => GatewayTiming.Current is { } timing ? new UpstreamTimedStream(body, timing) : body;

    // Pooled: a stream's body is read many times per request, and most reads wait.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            return await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            timing.AddUpstreamSince(start);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            return inner.Read(buffer, offset, count);
        }
        finally
        {
            timing.AddUpstreamSince(start);
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override ValueTask DisposeAsync() => inner.DisposeAsync();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
