using ThreadSync.Gateway.Providers.Internal;

namespace ThreadSync.Gateway.Catalog.Internal;

/// <summary>Catalog models whose provider is available and which are not retired.</summary>
internal sealed class GatewayModelDirectory(IModelCatalog catalog, ProviderClientRegistry providers) : IGatewayModelDirectory
{
    public IReadOnlyList<ModelDescriptor> GetAvailableModels(GatewayCaller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return catalog.Models
            .Where(model => model.Lifecycle.Status != ModelLifecycleStatus.Retired && providers.IsAvailable(model.Provider))
            .ToList();
    }
}
