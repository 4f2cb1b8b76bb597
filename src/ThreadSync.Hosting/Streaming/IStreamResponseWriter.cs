using Microsoft.Extensions.AI;
using ThreadSync.Gateway;

namespace ThreadSync.Hosting.Streaming;

/// <summary>One endpoint's stream format: how updates, the end, a failure after the start and a keep-alive look on the wire.</summary>
internal interface IStreamResponseWriter
{
    /// <summary>Writes one update and flushes it.</summary>
    ValueTask WriteAsync(ChatResponseUpdate update, CancellationToken cancellationToken);

    /// <summary>Writes the end of a complete answer (finish, usage, terminator) and flushes it.</summary>
    ValueTask CompleteAsync(GatewayUsage? usage, CancellationToken cancellationToken);

    /// <summary>Writes an error after the stream started; nothing follows it.</summary>
    ValueTask FailAsync(GatewayException error, CancellationToken cancellationToken);

    /// <summary>Writes a frame clients ignore (an SSE comment, Anthropic's <c>ping</c>) and flushes it.</summary>
    ValueTask WriteKeepAliveAsync(CancellationToken cancellationToken);
}
