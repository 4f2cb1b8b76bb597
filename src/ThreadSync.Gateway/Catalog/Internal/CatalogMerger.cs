namespace ThreadSync.Gateway.Catalog.Internal;

/// <summary>
/// Merges catalog entries by model id: fields present in an override replace the base's (objects field by field,
/// lists whole), a new id is appended, and <c>remove: true</c> drops a model. Entries are never mutated, so the
/// parsed embedded catalog can be shared by every load.
/// </summary>
internal sealed class CatalogMerger
{
    private readonly List<CatalogSlot?> _slots = [];
    private readonly Dictionary<string, int> _index = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets the merged entries in catalog order: base order first, then new models in the order they were added.</summary>
    public IEnumerable<CatalogSlot> Slots => _slots.OfType<CatalogSlot>();

    /// <summary>Applies the entries of one file; an id given twice in it is an error.</summary>
    public void Apply(IReadOnlyList<CatalogModelOptions> entries, string source, List<string> errors)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in entries)
        {
            if (string.IsNullOrWhiteSpace(entry.Id))
            {
                errors.Add($"{source}: a model has no id");
            }
            else if (!seen.Add(entry.Id))
            {
                errors.Add($"{source}: model id '{entry.Id}' appears more than once");
            }
            else
            {
                Apply(entry.Id, entry, source);
            }
        }
    }

    /// <summary>Applies one entry under an id.</summary>
    public void Apply(string id, CatalogModelOptions entry, string source)
    {
        if (_index.TryGetValue(id, out var at))
        {
            if (entry.Remove == true)
            {
                _slots[at] = null;
                _index.Remove(id);
            }
            else
            {
                _slots[at] = new CatalogSlot(Merge(_slots[at]!.Entry, entry), source);
            }

            return;
        }

        // Removing a model that is not there is harmless: a newer embedded catalog may already have dropped it.
        if (entry.Remove != true)
        {
            _index[id] = _slots.Count;
            _slots.Add(new CatalogSlot(Merge(new CatalogModelOptions { Id = id }, entry), source));
        }
    }

    public static CatalogModelOptions Merge(CatalogModelOptions target, CatalogModelOptions over) => new()
    {
        Id = target.Id,
        Provider = over.Provider ?? target.Provider,
        Aliases = over.Aliases ?? target.Aliases,
        ContextWindow = over.ContextWindow ?? target.ContextWindow,
        MaxOutputTokens = over.MaxOutputTokens ?? target.MaxOutputTokens,
        Capabilities = over.Capabilities ?? target.Capabilities,
        Pricing = Merge(target.Pricing, over.Pricing),
        Lifecycle = Merge(target.Lifecycle, over.Lifecycle),
    };

    public static CatalogPricingOptions? Merge(CatalogPricingOptions? target, CatalogPricingOptions? over) =>
        over is null ? target
        : target is null ? over
        : new CatalogPricingOptions
        {
            Input = over.Input ?? target.Input,
            Output = over.Output ?? target.Output,
            CacheRead = over.CacheRead ?? target.CacheRead,
            CacheWrite = over.CacheWrite ?? target.CacheWrite,
            PerRequest = over.PerRequest ?? target.PerRequest,
            LongContext = Merge(target.LongContext, over.LongContext),
            SearchContextFees = Merge(target.SearchContextFees, over.SearchContextFees),
            PriceChanges = over.PriceChanges ?? target.PriceChanges,
        };

    private static CatalogLongContextOptions? Merge(CatalogLongContextOptions? target, CatalogLongContextOptions? over) =>
        over is null ? target
        : target is null ? over
        : new CatalogLongContextOptions
        {
            AboveInputTokens = over.AboveInputTokens ?? target.AboveInputTokens,
            Input = over.Input ?? target.Input,
            Output = over.Output ?? target.Output,
            CacheRead = over.CacheRead ?? target.CacheRead,
            CacheWrite = over.CacheWrite ?? target.CacheWrite,
        };

    private static CatalogSearchContextFeesOptions? Merge(CatalogSearchContextFeesOptions? target, CatalogSearchContextFeesOptions? over) =>
        over is null ? target
        : target is null ? over
        : new CatalogSearchContextFeesOptions
        {
            Low = over.Low ?? target.Low,
            Medium = over.Medium ?? target.Medium,
            High = over.High ?? target.High,
        };

    private static CatalogLifecycleOptions? Merge(CatalogLifecycleOptions? target, CatalogLifecycleOptions? over) =>
        over is null ? target
        : target is null ? over
        : new CatalogLifecycleOptions
        {
            Status = over.Status ?? target.Status,
            DeprecatedOn = over.DeprecatedOn ?? target.DeprecatedOn,
            RetiresOn = over.RetiresOn ?? target.RetiresOn,
            Replacement = over.Replacement ?? target.Replacement,
        };
}
