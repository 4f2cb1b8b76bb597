namespace ThreadSync.Gateway;

/// <summary>
/// How the gateway retries and falls back when a provider fails, bound from <c>ThreadSync:Resilience</c>.
/// </summary>
/// <remarks>
/// One budget covers a whole request: every retry of a model and every fallback to another model draws from the same
/// <see cref="MaxAttempts"/> and <see cref="RequestTimeout"/>, so an outage can never multiply billable upstream calls.
/// </remarks>
public sealed class ResilienceOptions
{
    /// <summary>Gets or sets the most upstream calls one request may make, retries and fallbacks together.</summary>
    /// <value>3 by default; 1 disables retries and fallbacks.</value>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Gets or sets how many times the same model is retried before the gateway moves to the next model of the chain.</summary>
    /// <value>1 by default.</value>
    public int MaxRetriesPerModel { get; set; } = 1;

    /// <summary>Gets or sets the time budget for all attempts of a request, waits between them included.</summary>
    /// <remarks>Once a stream has started, it is bounded only by the provider's silence <c>Timeout</c>, not by this budget.</remarks>
    /// <value>Ten minutes by default.</value>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets the first wait of the exponential backoff used when the provider sends no <c>Retry-After</c>.</summary>
    /// <value>0.5 seconds by default; each further retry doubles it, with jitter.</value>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Gets or sets the longest wait the gateway spends before retrying the same model.</summary>
    /// <remarks>
    /// A provider's <c>Retry-After</c> is honoured up to this cap; when it asks for longer, the gateway moves to the next
    /// model of the chain instead of waiting, and when none is left the client gets the provider's <c>Retry-After</c>.
    /// </remarks>
    /// <value>8 seconds by default.</value>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>Gets or sets the deadline for a stream's first token, counted from the start of each attempt.</summary>
    /// <remarks>
    /// A stream that sends nothing meaningful within this time is abandoned and the next attempt starts, which is still
    /// safe because nothing reached the client. Reasoning models that think silently need a generous value.
    /// </remarks>
    /// <value>Two minutes by default; <see cref="Timeout.InfiniteTimeSpan"/> disables it.</value>
    public TimeSpan FirstTokenTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Gets or sets the circuit breaker applied to each provider.</summary>
    public CircuitBreakerOptions CircuitBreaker { get; set; } = new();
}
