using ThreadSync.Gateway.Providers.Internal;
using ThreadSync.Gateway.Routing.Internal;

namespace ThreadSync.Gateway.Resilience;

/// <summary>
/// Availability as the router should see it: the provider must be configured, and its circuit breaker not open — so
/// auto-routing moves traffic away from a failing provider before any request has to fail over.
/// </summary>
internal sealed class BreakerAwareModelAvailability : IModelAvailability
{
    private readonly bool[] _configured;
    private readonly ProviderCircuitBreakers _breakers;

    public BreakerAwareModelAvailability(ProviderClientRegistry providers, ProviderCircuitBreakers breakers)
    {
        var all = Enum.GetValues<GatewayProvider>();
        _configured = new bool[all.Length];
        foreach (var provider in all)
        {
            // Provider settings are fixed after start-up, so this is read once.
            _configured[(int)provider] = providers.IsAvailable(provider);
        }

        _breakers = breakers;
    }

    public ModelAvailability GetAvailability(ModelDescriptor model)
    {
        var index = (int)model.Provider;
        if ((uint)index >= (uint)_configured.Length || !_configured[index])
        {
            return ModelAvailability.ProviderNotConfigured;
        }

        return _breakers.IsOpen(model.Provider) ? ModelAvailability.TemporarilyUnavailable : ModelAvailability.Available;
    }
}
