namespace ThreadSync.Gateway;

/// <summary>Normalized token usage and cost of one request, the same for every provider.</summary>
/// <remarks>
/// Token counts follow one rule whatever the provider's own semantics: <see cref="InputTokens"/> is all
/// input (cached included) and <see cref="OutputTokens"/> is all billed output (reasoning included).
/// </remarks>
public sealed record GatewayUsage
{
    /// <summary>Gets all input tokens, cached ones included.</summary>
    public long InputTokens { get; init; }

    /// <summary>Gets all billed output tokens, reasoning included.</summary>
    public long OutputTokens { get; init; }

    /// <summary>Gets the input tokens read from the provider's prompt cache (a subset of <see cref="InputTokens"/>).</summary>
    public long CachedInputTokens { get; init; }

    /// <summary>Gets the input tokens written to the provider's prompt cache (a subset of <see cref="InputTokens"/>).</summary>
    public long CacheWriteInputTokens { get; init; }

    /// <summary>Gets the reasoning tokens (a subset of <see cref="OutputTokens"/>).</summary>
    public long ReasoningTokens { get; init; }

    /// <summary>Gets the cost in USD computed from the catalog's prices.</summary>
    public decimal CostUsd { get; init; }

    /// <summary>Gets the cost the provider itself reported, in USD, when it reports one.</summary>
    public decimal? ProviderReportedCostUsd { get; init; }

    /// <summary>Gets the total tokens.</summary>
    public long TotalTokens => InputTokens + OutputTokens;
}
