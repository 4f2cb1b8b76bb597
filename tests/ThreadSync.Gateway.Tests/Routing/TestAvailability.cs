using ThreadSync.Gateway.Routing.Internal;

namespace ThreadSync.Gateway.Tests.Routing;

/// <summary>Availability set per provider or per model; everything is available unless said otherwise.</summary>
internal sealed class TestAvailability : IModelAvailability
{
    public Dictionary<GatewayProvider, ModelAvailability> Providers { get; } = [];

    public Dictionary<string, ModelAvailability> Models { get; } = new(StringComparer.OrdinalIgnoreCase);

    public ModelAvailability GetAvailability(ModelDescriptor model) =>
        Models.TryGetValue(model.Id, out var byModel) ? byModel
        : Providers.TryGetValue(model.Provider, out var byProvider) ? byProvider
        : ModelAvailability.Available;
}
