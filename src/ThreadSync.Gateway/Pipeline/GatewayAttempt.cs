namespace ThreadSync.Gateway;

/// <summary>One upstream attempt of a request that did not serve it: a failed call, or a provider skipped by its circuit breaker.</summary>
/// <param name="ModelId">The catalog model tried.</param>
/// <param name="Provider">The provider that serves it.</param>
/// <param name="Outcome">The gateway error code of the failure (for example <c>upstream_overloaded</c>), or <c>circuit_open</c>.</param>
/// <param name="Duration">How long the attempt took; zero when the provider was skipped without a call.</param>
public sealed record GatewayAttempt(string ModelId, GatewayProvider Provider, string Outcome, TimeSpan Duration)
{
    /// <summary>The <see cref="Outcome"/> of a provider skipped because its circuit breaker is open.</summary>
    public const string CircuitOpen = "circuit_open";

    /// <summary>Gets a value indicating whether the attempt reached the provider (and may have been billed by it).</summary>
    public bool ReachedProvider => Outcome != CircuitOpen;
}
