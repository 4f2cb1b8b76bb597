using System.Text.Json.Serialization;

namespace ThreadSync.Gateway;

/// <summary>
/// Long-context prices (<c>long_context</c>): a request whose input tokens (cached included) exceed
/// <see cref="AboveInputTokens"/> is billed entirely at these prices. A price left out keeps the base price.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class CatalogLongContextOptions
{
    /// <summary>Gets or sets the input-token threshold above which the tier applies (<c>above_input_tokens</c>).</summary>
    public long? AboveInputTokens { get; set; }

    /// <summary>Gets or sets the price of a million uncached input tokens in the tier (<c>input</c>).</summary>
    public decimal? Input { get; set; }

    /// <summary>Gets or sets the price of a million output tokens in the tier (<c>output</c>).</summary>
    public decimal? Output { get; set; }

    /// <summary>Gets or sets the price of a million cache-read input tokens in the tier (<c>cache_read</c>).</summary>
    public decimal? CacheRead { get; set; }

    /// <summary>Gets or sets the price of a million cache-write input tokens in the tier (<c>cache_write</c>).</summary>
    public decimal? CacheWrite { get; set; }
}
