using Microsoft.Extensions.Options;

namespace ThreadSync.Hosting.Streaming;

/// <summary>What every streamed response shares: the keep-alive interval and the clock.</summary>
internal sealed class StreamSettings(IOptions<ThreadSyncHttpOptions> options, TimeProvider timeProvider)
{
    public TimeSpan KeepAliveInterval { get; } = options.Value.StreamKeepAliveInterval;

    public TimeProvider TimeProvider { get; } = timeProvider;
}
