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
}
