using ThreadSync.Gateway.Providers.Internal;

namespace ThreadSync.Gateway.Catalog.Internal;

/// <summary>Catalog models whose provider is available and which are not retired today (by status or by date).</summary>
internal sealed class GatewayModelDirectory(IModelCatalog catalog, ProviderClientRegistry providers, TimeProvider timeProvider) : IGatewayModelDirectory
{
    public IReadOnlyList<ModelDescriptor> GetAvailableModels(GatewayCaller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var today = DateOnly.FromDateTime(timeProvider.GetUtcNow().UtcDateTime);
        return catalog.Models
            .Where(model => model.Lifecycle.StatusOn(today) != ModelLifecycleStatus.Retired
                && providers.IsAvailable(model.Provider)
                && (caller.Governance is not { } governance || governance.Allows(model, out _)))
            .ToList();
    }
}
