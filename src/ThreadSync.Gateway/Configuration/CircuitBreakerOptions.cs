namespace ThreadSync.Gateway;

/// <summary>
/// The circuit breaker kept per provider, bound from <c>ThreadSync:Resilience:CircuitBreaker</c>.
/// </summary>
/// <remarks>
/// Provider faults (5xx, 529 overload, timeouts, unreachable hosts, broken streams) count as failures; client errors,
/// rate limits and cancelled requests do not. When the failure ratio over the sampling window reaches
/// <see cref="FailureRatio"/> (with at least <see cref="MinimumThroughput"/> calls), the breaker opens: the provider is
/// skipped and traffic moves to fallbacks. After <see cref="BreakDuration"/> one probe request is let through
/// (half-open); its success closes the breaker.
/// </remarks>
public sealed class CircuitBreakerOptions
{
    /// <summary>Gets or sets a value indicating whether providers have circuit breakers.</summary>
    /// <value><see langword="true"/> by default.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets the share of failed calls, between 0 and 1, that opens the breaker.</summary>
    /// <value>0.5 by default.</value>
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Gets or sets the fewest calls in the sampling window before the breaker may open.</summary>
    /// <value>5 by default; at least 2.</value>
    public int MinimumThroughput { get; set; } = 5;

    /// <summary>Gets or sets the window over which the failure ratio is measured.</summary>
    /// <value>30 seconds by default; at least 0.5 seconds.</value>
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long an open breaker keeps the provider out before a probe.</summary>
    /// <value>30 seconds by default; at least 0.5 seconds.</value>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}
