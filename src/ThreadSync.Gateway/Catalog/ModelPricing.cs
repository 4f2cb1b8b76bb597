namespace ThreadSync.Gateway;

/// <summary>List prices of a model in USD, per million tokens unless stated otherwise.</summary>
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

    /// <summary>Gets a fixed fee per request (for example Perplexity's search fee at low context).</summary>
    public decimal PerRequest { get; init; }
}
