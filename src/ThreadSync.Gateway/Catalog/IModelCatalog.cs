using System.Diagnostics.CodeAnalysis;

namespace ThreadSync.Gateway;

/// <summary>The models the gateway knows: ids, aliases, providers, limits and prices.</summary>
/// <remarks>Implementations are thread-safe and cheap to query on the request path.</remarks>
public interface IModelCatalog
{
    /// <summary>Gets every model in the catalog, in catalog order.</summary>
    IReadOnlyList<ModelDescriptor> Models { get; }

    /// <summary>Finds a model by id or alias (case-insensitive).</summary>
    /// <param name="idOrAlias">The id or alias the caller sent.</param>
    /// <param name="model">The model when found.</param>
    /// <returns><see langword="true"/> when the name is known.</returns>
    bool TryResolve(string idOrAlias, [NotNullWhen(true)] out ModelDescriptor? model);
}
