namespace ThreadSync.Gateway;

/// <summary>Normalized token usage and cost of one request, the same for every provider.</summary>
/// <remarks>
/// Token counts follow one rule whatever the provider's own semantics: <see cref="InputTokens"/> is all
/// input (cached included) and <see cref="OutputTokens"/> is all billed output (reasoning included).
/// The figure to bill is <see cref="BilledCostUsd"/>: the provider's own cost when it reports one (Perplexity
/// <c>usage.cost.total_cost</c>, xAI <c>cost_in_usd_ticks</c>), which is authoritative, else the gateway's
/// <see cref="CostUsd"/> from the catalog's prices. Both figures and their difference are kept for reconciliation.
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

    /// <summary>Gets the cost in USD computed from the catalog's prices (tokens, long-context tier, request and search fees).</summary>
    public decimal CostUsd { get; init; }

    /// <summary>Gets the cost the provider itself reported, in USD, when it reports one.</summary>
    public decimal? ProviderReportedCostUsd { get; init; }

    /// <summary>Gets the provider's cost minus the computed one (<see cref="ProviderReportedCostUsd"/> − <see cref="CostUsd"/>), when the provider reported one.</summary>
    /// <value>Positive when the provider charges more than the catalog predicts: a sign the catalog's prices need a look.</value>
    public decimal? CostDifferenceUsd { get; init; }

    /// <summary>Gets the cost to bill, in USD: <see cref="ProviderReportedCostUsd"/> when present, else <see cref="CostUsd"/>.</summary>
    public decimal BilledCostUsd { get; init; }

    /// <summary>Gets which figure <see cref="BilledCostUsd"/> is.</summary>
    public GatewayCostSource BilledCostSource { get; init; }

    /// <summary>
    /// Gets a value indicating whether some token counts are estimates: the provider reported no (or partial) usage,
    /// typically because a stream failed or was cancelled before its usage arrived.
    /// </summary>
    public bool IsEstimated { get; init; }

    /// <summary>Gets the total tokens.</summary>
    public long TotalTokens => InputTokens + OutputTokens;
}
