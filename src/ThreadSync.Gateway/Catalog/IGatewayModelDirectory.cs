namespace ThreadSync.Gateway;

/// <summary>Answers which catalog models a caller can use on this gateway right now.</summary>
/// <remarks>Implementations are thread-safe.</remarks>
public interface IGatewayModelDirectory
{
    /// <summary>Lists the models the caller may use: served by an available provider, not retired, and allowed by the caller's key and org policy.</summary>
    /// <param name="caller">The caller asking.</param>
    /// <returns>The models, in catalog order.</returns>
    IReadOnlyList<ModelDescriptor> GetAvailableModels(GatewayCaller caller);
}
