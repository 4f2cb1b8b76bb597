using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;

namespace ThreadSync.Hosting.Http;

/// <summary>
/// The response body of an inference request as the audit sees it: every byte written is hashed (SHA-256) and, for
/// orgs that keep content, copied; once the request's outcome is decided (<see cref="InferenceAudit.IsEnding"/>),
/// flushes are held back, so nothing written after that reaches the client before the audit record is committed.
/// The held bytes go out when the response completes.
/// </summary>
internal sealed class HashingPipeWriter(PipeWriter inner, InferenceAudit audit) : PipeWriter, IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private Memory<byte> _buffer;
    private ArrayBufferWriter<byte>? _copy;

    /// <summary>Gets how many bytes were written.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>Gets the bytes written, when the caller's org keeps content.</summary>
    public byte[]? Content => _copy?.WrittenSpan.ToArray();

    public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

    public override long UnflushedBytes => inner.UnflushedBytes;

    /// <summary>The SHA-256 of every byte written, as 64 lowercase hex characters, or <see langword="null"/> when none was.</summary>
    public string? Sha256() => BytesWritten == 0 ? null : Convert.ToHexStringLower(_hash.GetCurrentHash());

    public override Memory<byte> GetMemory(int sizeHint = 0) => _buffer = inner.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    public override void Advance(int bytes)
    {
        var written = _buffer.Span[..bytes];
        _hash.AppendData(written);
        if (audit.KeepsContent)
        {
            (_copy ??= new ArrayBufferWriter<byte>()).Write(written);
        }

        BytesWritten += bytes;
        _buffer = default;
        inner.Advance(bytes);
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) =>
        audit.IsEnding ? new ValueTask<FlushResult>(new FlushResult(isCanceled: false, isCompleted: false)) : inner.FlushAsync(cancellationToken);

    public override void CancelPendingFlush() => inner.CancelPendingFlush();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

    public void Dispose() => _hash.Dispose();
}
