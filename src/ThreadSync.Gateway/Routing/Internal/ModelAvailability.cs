namespace ThreadSync.Gateway.Routing.Internal;

/// <summary>Whether a model can take traffic now, as answered by <see cref="IModelAvailability"/>.</summary>
internal enum ModelAvailability
{
    /// <summary>The model's provider is configured and healthy.</summary>
    Available,

    /// <summary>The model's provider has no credentials on this gateway (a configuration fact: not retryable).</summary>
    ProviderNotConfigured,

    /// <summary>The provider is configured but should not get traffic now (for example its circuit breaker is open).</summary>
    TemporarilyUnavailable,
}
