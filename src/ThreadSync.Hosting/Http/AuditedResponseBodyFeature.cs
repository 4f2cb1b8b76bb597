using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace ThreadSync.Hosting.Http;

/// <summary>The response body of an inference request, routed through a <see cref="HashingPipeWriter"/> (pipe and stream alike).</summary>
internal sealed class AuditedResponseBodyFeature(IHttpResponseBodyFeature inner, HashingPipeWriter writer) : IHttpResponseBodyFeature
{
    private Stream? _stream;

    public Stream Stream => _stream ??= writer.AsStream(leaveOpen: true);

    public PipeWriter Writer => writer;

    public Task CompleteAsync() => inner.CompleteAsync();

    public void DisableBuffering() => inner.DisableBuffering();

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        SendFileFallback.SendFileAsync(Stream, path, offset, count, cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);
}
