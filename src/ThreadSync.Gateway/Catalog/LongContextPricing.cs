namespace ThreadSync.Gateway;

/// <summary>
/// Long-context prices: a request whose input tokens (cached included) exceed <see cref="AboveInputTokens"/> is billed
/// entirely at these prices, per million tokens (for example gpt-5.4 above 272K, gemini-2.5-pro above 200K).
/// </summary>
public sealed record LongContextPricing
{
    /// <summary>Gets the input-token threshold; the tier applies when the input is strictly above it.</summary>
    public long AboveInputTokens { get; init; }

    /// <summary>Gets the price of a million uncached input tokens in the tier.</summary>
    public decimal InputPerMillion { get; init; }

    /// <summary>Gets the price of a million output tokens in the tier.</summary>
    public decimal OutputPerMillion { get; init; }

    /// <summary>Gets the price of a million cache-read input tokens in the tier.</summary>
    /// <value><see langword="null"/> to keep the model's base cache-read price (or the tier's input price when it has none).</value>
    public decimal? CacheReadPerMillion { get; init; }

    /// <summary>Gets the price of a million cache-write input tokens in the tier.</summary>
    /// <value><see langword="null"/> to keep the model's base cache-write price (or the tier's input price when it has none).</value>
    public decimal? CacheWritePerMillion { get; init; }
}
