namespace ThreadSync.Gateway;

/// <summary>
/// Per-request search fees in USD by the search context size the caller asked for
/// (<c>web_search_options.search_context_size</c>; <c>low</c> when not given), as Perplexity charges them.
/// </summary>
public sealed record SearchContextFees
{
    /// <summary>Gets the fee per request at <c>low</c> search context (the default).</summary>
    public decimal Low { get; init; }

    /// <summary>Gets the fee per request at <c>medium</c> search context.</summary>
    public decimal Medium { get; init; }

    /// <summary>Gets the fee per request at <c>high</c> search context.</summary>
    public decimal High { get; init; }
}
