using ThreadSync.Gateway.Providers.Internal;

namespace ThreadSync.Gateway.Routing.Internal;

/// <summary>Available when the model's provider is configured (read once: provider settings are fixed after start-up).</summary>
internal sealed class ProviderModelAvailability : IModelAvailability
{
    private readonly bool[] _configured;

    public ProviderModelAvailability(ProviderClientRegistry providers)
    {
        ArgumentNullException.ThrowIfNull(providers);
        var all = Enum.GetValues<GatewayProvider>();
        _configured = new bool[all.Max(p => (int)p) + 1];
        foreach (var provider in all)
        {
            _configured[(int)provider] = providers.IsAvailable(provider);
        }
    }

    public ModelAvailability GetAvailability(ModelDescriptor model)
    {
        var index = (int)model.Provider;
        return (uint)index < (uint)_configured.Length && _configured[index] ? ModelAvailability.Available : ModelAvailability.ProviderNotConfigured;
    }
}
