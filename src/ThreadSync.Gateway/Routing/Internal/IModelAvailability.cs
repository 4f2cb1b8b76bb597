namespace ThreadSync.Gateway.Routing.Internal;

/// <summary>
/// Says whether a model can take traffic now. The router asks it for every candidate, so implementations must be
/// thread-safe, allocation-free and take nanoseconds.
/// </summary>
/// <remarks>
/// The default (<see cref="ProviderModelAvailability"/>) knows only whether the provider is configured; the gateway
/// registers <c>BreakerAwareModelAvailability</c>, which wraps it and also reports open circuit breakers as <see cref="ModelAvailability.TemporarilyUnavailable"/>.
/// </remarks>
internal interface IModelAvailability
{
    /// <summary>Gets the availability of a catalog model.</summary>
    ModelAvailability GetAvailability(ModelDescriptor model);
}
