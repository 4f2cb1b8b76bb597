namespace ThreadSync.Hosting;

/// <summary>Browser-safe subject sessions, bound from <c>ThreadSync:Sessions</c>.</summary>
public sealed class ThreadSyncSessionOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "ThreadSync:Sessions";

    /// <summary>Gets or sets how long a share code can be exchanged (<c>ThreadSync:Sessions:ShareCodeLifetime</c>).</summary>
    /// <value>One minute by default; between 10 seconds and 10 minutes.</value>
    public TimeSpan ShareCodeLifetime { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Gets or sets how far a signed request's timestamp may be from the gateway's clock, either way
    /// (<c>ThreadSync:Sessions:SignatureWindow</c>). Nonces are remembered for as long.
    /// </summary>
    /// <value>Five minutes by default; between 10 seconds and one hour.</value>
    public TimeSpan SignatureWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets or sets whether an API key may be presented from a browser (a request with an <c>Origin</c> header)
    /// (<c>ThreadSync:Sessions:AllowBrowserApiKeys</c>). Unset: allowed in the Development environment only.
    /// </summary>
    public bool? AllowBrowserApiKeys { get; set; }

    /// <summary>
    /// Gets or sets how long an instance trusts its list of registered app-client origins (for CORS) before reading it
    /// again (<c>ThreadSync:Sessions:OriginCacheDuration</c>). Changes made on the same instance apply at once.
    /// </summary>
    /// <value>Five seconds by default; between zero and five minutes.</value>
    public TimeSpan OriginCacheDuration { get; set; } = TimeSpan.FromSeconds(5);
}
