using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace ThreadSync.Gateway.Catalog.Internal;

/// <summary>One immutable catalog snapshot with a frozen, case-insensitive id-and-alias index.</summary>
internal sealed class ModelCatalog : IModelCatalog
{
    private readonly FrozenDictionary<string, ModelDescriptor> _byName;

    public ModelCatalog(IReadOnlyList<ModelDescriptor> models, long version = 1, DateTimeOffset loadedAt = default)
    {
        Models = models;
        Version = version;
        LoadedAt = loadedAt;
        var byName = new Dictionary<string, ModelDescriptor>(StringComparer.OrdinalIgnoreCase);
        foreach (var model in models)
        {
            // Ids win over aliases; the first model to claim an alias keeps it (loaded catalogs have no such clash).
            byName[model.Id] = model;
        }

        foreach (var model in models)
        {
            foreach (var alias in model.Aliases)
            {
                byName.TryAdd(alias, model);
            }
        }

        _byName = byName.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyList<ModelDescriptor> Models { get; }

    public long Version { get; }

    public DateTimeOffset LoadedAt { get; }

    /// <summary>Loads the embedded catalog alone.</summary>
    public static ModelCatalog LoadEmbedded() => CatalogLoader.Load(settings: null, version: 1, loadedAt: default);

    /// <summary>Parses and validates one catalog file on its own (no embedded base).</summary>
    /// <exception cref="InvalidDataException">The file is not valid JSON or has errors.</exception>
    public static ModelCatalog Parse(Stream utf8Json, string sourceName)
    {
        var errors = new List<string>();
        var merger = new CatalogMerger();
        merger.Apply(CatalogLoader.ReadEntries(utf8Json, sourceName), sourceName, errors);
        var models = CatalogBuilder.Build(merger.Slots, errors);
        CatalogLoader.ThrowIfErrors(errors);
        return new ModelCatalog(models);
    }

    public bool TryResolve(string idOrAlias, [NotNullWhen(true)] out ModelDescriptor? model) =>
        _byName.TryGetValue(idOrAlias, out model);
}
