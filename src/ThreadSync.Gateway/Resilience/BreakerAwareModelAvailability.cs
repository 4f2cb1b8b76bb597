using ThreadSync.Gateway.Providers.Internal;
using ThreadSync.Gateway.Routing.Internal;

namespace ThreadSync.Gateway.Resilience;

/// <summary>
/// Availability as the router should see it: the provider must be configured (<see cref="ProviderModelAvailability"/>),
/// and its circuit breaker not open — so auto-routing moves traffic away from a failing provider before any request
/// has to fail over.
/// </summary>
internal sealed class BreakerAwareModelAvailability : IModelAvailability
{
    private readonly ProviderModelAvailability _configured;
    private readonly ProviderCircuitBreakers _breakers;

    public BreakerAwareModelAvailability(ProviderClientRegistry providers, ProviderCircuitBreakers breakers)
    {
        _configured = new ProviderModelAvailability(providers);
        _breakers = breakers;
    }

    public ModelAvailability GetAvailability(ModelDescriptor model)
    {
        var configured = _configured.GetAvailability(model);
        return configured == ModelAvailability.Available && _breakers.IsOpen(model.Provider) ? ModelAvailability.TemporarilyUnavailable : configured;
    }
}
