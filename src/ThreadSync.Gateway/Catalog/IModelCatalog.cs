using System.Diagnostics.CodeAnalysis;

namespace ThreadSync.Gateway;

/// <summary>The models the gateway knows: ids, aliases, providers, limits and prices.</summary>
/// <remarks>
/// Implementations are thread-safe and cheap to query on the request path. The gateway's catalog is an immutable
/// snapshot swapped atomically when its sources change (see <c>ThreadSync:Catalog</c>): each member reads the
/// snapshot current at the time of the call, and readers never lock.
/// </remarks>
public interface IModelCatalog
{
    /// <summary>Gets every model in the catalog, in catalog order.</summary>
    IReadOnlyList<ModelDescriptor> Models { get; }

    /// <summary>Gets the version of the current snapshot: 1 for the first load, one more for each successful reload.</summary>
    long Version { get; }

    /// <summary>Gets when the current snapshot was loaded.</summary>
    DateTimeOffset LoadedAt { get; }

    /// <summary>Finds a model by id or alias (case-insensitive).</summary>
    /// <param name="idOrAlias">The id or alias the caller sent.</param>
    /// <param name="model">The model when found.</param>
    /// <returns><see langword="true"/> when the name is known.</returns>
    bool TryResolve(string idOrAlias, [NotNullWhen(true)] out ModelDescriptor? model);
}
