namespace ThreadSync.Gateway;

/// <summary>List prices of a model in USD, per million tokens unless stated otherwise.</summary>
/// <remarks>See <c>docs/catalog.md</c> for how the gateway turns usage into cost with these prices.</remarks>
public sealed record ModelPricing
{
    /// <summary>Gets a pricing with every price at zero.</summary>
    public static ModelPricing Free { get; } = new();

    /// <summary>Gets the price of a million uncached input tokens.</summary>
    public decimal InputPerMillion { get; init; }

    /// <summary>Gets the price of a million output tokens (reasoning tokens are billed as output).</summary>
    public decimal OutputPerMillion { get; init; }

    /// <summary>Gets the price of a million input tokens read from the provider's prompt cache.</summary>
    /// <value><see langword="null"/> when the provider has no discount (billed as input).</value>
    public decimal? CacheReadPerMillion { get; init; }

    /// <summary>Gets the price of a million input tokens written to the provider's prompt cache.</summary>
    /// <value><see langword="null"/> when writes are billed as input.</value>
    public decimal? CacheWritePerMillion { get; init; }

    /// <summary>Gets a flat fee charged on every request, in USD.</summary>
    public decimal PerRequest { get; init; }

    /// <summary>Gets the prices of a request whose input exceeds a threshold, if the model has such a tier.</summary>
    public LongContextPricing? LongContext { get; init; }

    /// <summary>Gets the per-request search fees by search context size (Perplexity), if the model charges them.</summary>
    public SearchContextFees? SearchContextFees { get; init; }

    /// <summary>Gets the announced price changes, oldest first; each holds the complete pricing from its date on.</summary>
    public IReadOnlyList<ModelPriceChange> PriceChanges { get; init; } = [];

    /// <summary>Gets the pricing in force on a day: the latest price change effective on or before it, else this pricing.</summary>
    /// <param name="date">The day (UTC).</param>
    /// <returns>The pricing in force; never allocates.</returns>
    public ModelPricing On(DateOnly date)
    {
        var changes = PriceChanges;
        for (var i = changes.Count - 1; i >= 0; i--)
        {
            if (changes[i].EffectiveFrom <= date)
            {
                return changes[i].Pricing;
            }
        }

        return this;
    }
}
