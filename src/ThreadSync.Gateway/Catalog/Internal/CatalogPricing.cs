namespace ThreadSync.Gateway.Catalog.Internal;

/// <summary>Prices as written in a catalog file (USD per million tokens; per_request in USD).</summary>
internal sealed class CatalogPricing
{
    public decimal Input { get; set; }

    public decimal Output { get; set; }

    public decimal? CacheRead { get; set; }

    public decimal? CacheWrite { get; set; }

    public decimal PerRequest { get; set; }
}
