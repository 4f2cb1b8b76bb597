namespace ThreadSync.Hosting;

/// <summary>HTTP surface settings, bound from <c>ThreadSync:Http</c>.</summary>
public sealed class ThreadSyncHttpOptions
{
    /// <summary>The configuration section the HTTP settings bind from.</summary>
    public const string SectionName = "ThreadSync:Http";

    /// <summary>Gets or sets the largest request body accepted, in bytes (<c>ThreadSync:Http:MaxRequestBodyBytes</c>).</summary>
    /// <remarks>Larger bodies get 413 <c>request_too_large</c>. Base64 images make bodies big; providers accept up to about 32 MB.</remarks>
    /// <value>32 MiB by default.</value>
    public long MaxRequestBodyBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>
    /// Gets or sets how long a streamed response may stay silent before the gateway sends a keep-alive frame
    /// (<c>ThreadSync:Http:StreamKeepAliveInterval</c>): an SSE comment, or Anthropic's <c>ping</c> event on <c>/v1/messages</c>.
    /// </summary>
    /// <remarks>Proxies and clients often cut connections idle for 60 s; reasoning models can think for longer. Zero turns keep-alives off.</remarks>
    /// <value>15 seconds by default.</value>
    public TimeSpan StreamKeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);
}
