using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace ThreadSync.Hosting.Idempotency;

/// <summary>The response body of a request that holds an idempotency key: the server's own, seen through a <see cref="CapturingPipeWriter"/>.</summary>
internal sealed class CapturingBodyFeature : IHttpResponseBodyFeature, IDisposable
{
    private readonly IHttpResponseBodyFeature _inner;
    private Stream? _stream;

    public CapturingBodyFeature(IHttpResponseBodyFeature inner)
    {
        _inner = inner;
        Writer = new CapturingPipeWriter(inner.Writer);
    }

    public CapturingPipeWriter Writer { get; }

    PipeWriter IHttpResponseBodyFeature.Writer => Writer;

    public Stream Stream => _stream ??= Writer.AsStream(leaveOpen: true);

    public void DisableBuffering() => _inner.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default) => _inner.StartAsync(cancellationToken);

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        SendFileFallback.SendFileAsync(Stream, path, offset, count, cancellationToken);

    public Task CompleteAsync() => _inner.CompleteAsync();

    public void Dispose() => Writer.Dispose();
}
