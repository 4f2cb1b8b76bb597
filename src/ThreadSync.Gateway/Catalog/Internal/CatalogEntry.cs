namespace ThreadSync.Gateway.Catalog.Internal;

/// <summary>One model as written in a catalog file.</summary>
internal sealed class CatalogEntry
{
    public string? Id { get; set; }

    public string? Provider { get; set; }

    public List<string>? Aliases { get; set; }

    public int ContextWindow { get; set; }

    public int MaxOutputTokens { get; set; }

    public List<string>? Capabilities { get; set; }

    public CatalogPricing? Pricing { get; set; }

    public CatalogLifecycle? Lifecycle { get; set; }
}
