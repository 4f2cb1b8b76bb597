using System.Text.Json.Serialization;

namespace ThreadSync.Gateway;

/// <summary>
/// Per-request search fees by the caller's <c>web_search_options.search_context_size</c> (<c>search_context_fees</c>),
/// in USD per request (Perplexity lists them per 1,000 requests: divide by 1,000).
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class CatalogSearchContextFeesOptions
{
    /// <summary>Gets or sets the fee at <c>low</c> search context, the default (<c>low</c>).</summary>
    public decimal? Low { get; set; }

    /// <summary>Gets or sets the fee at <c>medium</c> search context (<c>medium</c>).</summary>
    public decimal? Medium { get; set; }

    /// <summary>Gets or sets the fee at <c>high</c> search context (<c>high</c>).</summary>
    public decimal? High { get; set; }
}
