using System.Text.Json.Serialization;

namespace ThreadSync.Gateway;

/// <summary>List prices as written in a catalog file: USD per million tokens, fees in USD per request.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class CatalogPricingOptions
{
    /// <summary>Gets or sets the price of a million uncached input tokens (<c>input</c>).</summary>
    public decimal? Input { get; set; }

    /// <summary>Gets or sets the price of a million output tokens, reasoning included (<c>output</c>).</summary>
    public decimal? Output { get; set; }

    /// <summary>Gets or sets the price of a million input tokens read from the prompt cache (<c>cache_read</c>); absent means billed as input.</summary>
    public decimal? CacheRead { get; set; }

    /// <summary>Gets or sets the price of a million input tokens written to the prompt cache (<c>cache_write</c>); absent means billed as input.</summary>
    public decimal? CacheWrite { get; set; }

    /// <summary>Gets or sets a flat fee charged on every request, in USD (<c>per_request</c>).</summary>
    public decimal? PerRequest { get; set; }

    /// <summary>Gets or sets the prices of a request whose input exceeds a threshold (<c>long_context</c>).</summary>
    public CatalogLongContextOptions? LongContext { get; set; }

    /// <summary>Gets or sets the per-request search fee by search context size, in USD per request (<c>search_context_fees</c>).</summary>
    public CatalogSearchContextFeesOptions? SearchContextFees { get; set; }

    /// <summary>Gets or sets announced price changes (<c>price_changes</c>); replaces the base list.</summary>
    public IList<CatalogPriceChangeOptions>? PriceChanges { get; set; }
}
