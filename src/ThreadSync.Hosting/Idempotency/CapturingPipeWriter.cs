using System.IO.Pipelines;

namespace ThreadSync.Hosting.Idempotency;

/// <summary>
/// A response <see cref="PipeWriter"/> that keeps a copy of every byte written through it. Writes go into the server's
/// own buffers as usual and are copied when advanced, so nothing is buffered twice on the way out. When the client has
/// gone (a flush fails or reports the reader done), writes are only copied: the request runs to the end, so what is
/// stored is the whole response, and the endpoint is told nothing (it would otherwise stop mid-answer).
/// </summary>
internal sealed class CapturingPipeWriter : PipeWriter, IDisposable
{
    private readonly PipeWriter _inner;
    private readonly SegmentedBuffer _copy = new();
    private Memory<byte> _pending;
    private bool _pendingIsInner;
    private bool _detached;

    public CapturingPipeWriter(PipeWriter inner) => _inner = inner;

    /// <summary>Gets how many bytes were written.</summary>
    public long Length => _copy.Length;

    public override bool CanGetUnflushedBytes => !_detached && _inner.CanGetUnflushedBytes;

    public override long UnflushedBytes => _detached ? 0 : _inner.UnflushedBytes;

    public override Memory<byte> GetMemory(int sizeHint = 0)
    {
        _pendingIsInner = !_detached;
        return _pending = _detached ? _copy.GetMemory(sizeHint) : _inner.GetMemory(sizeHint);
    }

    public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    public override void Advance(int bytes)
    {
        if (!_pendingIsInner)
        {
            _copy.Advance(bytes);
            _pending = default;
            return;
        }

        _copy.Write(_pending.Span[..bytes]);
        _pending = default;
        if (!_detached)
        {
            _inner.Advance(bytes);
        }
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) =>
        _detached ? default : Forward(_inner.FlushAsync(cancellationToken));

    public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        _copy.Write(source.Span);
        return _detached ? default : Forward(_inner.WriteAsync(source, cancellationToken));
    }

    public override void CancelPendingFlush() => _inner.CancelPendingFlush();

    public override void Complete(Exception? exception = null) => _inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => _inner.CompleteAsync(exception);

    /// <summary>Copies what was written into one array.</summary>
    public byte[] ToArray() => _copy.ToArray();

    /// <summary>Returns the copy's pooled buffers.</summary>
    public void Dispose() => _copy.Dispose();

    private ValueTask<FlushResult> Forward(ValueTask<FlushResult> flush)
    {
        if (flush.IsCompletedSuccessfully)
        {
            return new ValueTask<FlushResult>(Checked(flush.Result));
        }

        return AwaitAsync(flush);

        async ValueTask<FlushResult> AwaitAsync(ValueTask<FlushResult> pending)
        {
            try
            {
                return Checked(await pending);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
            {
                _detached = true;
                return default;
            }
        }
    }

    private FlushResult Checked(FlushResult result)
    {
        if (result.IsCompleted)
        {
            // The client is gone: keep capturing, and let the endpoint finish its answer.
            _detached = true;
            return default;
        }

        return result;
    }
}
