using Microsoft.Extensions.AI;

namespace ThreadSync.Gateway.Usage;

/// <summary>
/// Turns normalized usage into dollars with the catalog's prices. Pure and allocation-light (one result record).
/// </summary>
/// <remarks>
/// Adapters have already normalized the provider's token semantics: <c>InputTokenCount</c> is all input (cache
/// reads and writes included), <c>OutputTokenCount</c> all output (reasoning included). The rules, also in
/// <c>docs/catalog.md</c>:
/// <list type="number">
/// <item>The pricing in force on <see cref="CostContext.Date"/> applies (announced price changes).</item>
/// <item>When the input (cached included) is above the long-context threshold, the whole request is billed at the tier's prices.</item>
/// <item>Cache reads at the cache-read price, cache writes at the cache-write price (input price when none), the rest of the input at the input price, all output (reasoning included) at the output price.</item>
/// <item>Plus the flat per-request fee and, for models with search fees, the fee of the caller's search context size (low by default).</item>
/// <item>The provider's own cost (<see cref="UsageKeys.ProviderCostNanoUsd"/>), when present, is kept, compared, and billed.</item>
/// </list>
/// </remarks>
internal static class CostCalculator
{
    private const decimal PerMillion = 1_000_000m;
    private const decimal NanoPerUsd = 1_000_000_000m;

    /// <summary>Prices the usage a provider reported for a request (non-streaming, or a stream's final usage).</summary>
    /// <param name="model">The catalog model that served the request.</param>
    /// <param name="usage">The normalized usage; <see langword="null"/> charges only the request fees.</param>
    /// <param name="context">The request's date and search context size.</param>
    /// <returns>The usage and cost.</returns>
    public static GatewayUsage Compute(ModelDescriptor model, UsageDetails? usage, in CostContext context) =>
        Compute(model, usage, context, isEstimated: false);

    /// <summary>Prices the usage of a stream, reported or estimated (see <see cref="StreamUsageAccumulator"/>).</summary>
    /// <param name="model">The catalog model that served the request.</param>
    /// <param name="usage">The stream's usage.</param>
    /// <param name="context">The request's date and search context size.</param>
    /// <returns>The usage and cost, marked estimated when any count was.</returns>
    public static GatewayUsage Compute(ModelDescriptor model, in StreamUsage usage, in CostContext context) =>
        Compute(model, usage.Details, context, usage.IsEstimated);

    private static GatewayUsage Compute(ModelDescriptor model, UsageDetails? usage, in CostContext context, bool isEstimated)
    {
        ArgumentNullException.ThrowIfNull(model);
        var input = Math.Max(usage?.InputTokenCount ?? 0, 0);
        var output = Math.Max(usage?.OutputTokenCount ?? 0, 0);
        var cached = Math.Clamp(usage?.CachedInputTokenCount ?? 0, 0, input);
        long cacheWrite = 0;
        long? providerNanoUsd = null;
        if (usage?.AdditionalCounts is { } counts)
        {
            if (counts.TryGetValue(UsageKeys.CacheWriteInputTokens, out var written))
            {
                cacheWrite = Math.Clamp(written, 0, input - cached);
            }

            if (counts.TryGetValue(UsageKeys.ProviderCostNanoUsd, out var nano))
            {
                providerNanoUsd = nano;
            }
        }

        var pricing = model.Pricing.On(context.Date);
        decimal inputRate = pricing.InputPerMillion;
        decimal outputRate = pricing.OutputPerMillion;
        var cacheReadRate = pricing.CacheReadPerMillion;
        var cacheWriteRate = pricing.CacheWritePerMillion;
        if (pricing.LongContext is { } tier && input > tier.AboveInputTokens)
        {
            inputRate = tier.InputPerMillion;
            outputRate = tier.OutputPerMillion;
            cacheReadRate = tier.CacheReadPerMillion ?? cacheReadRate;
            cacheWriteRate = tier.CacheWritePerMillion ?? cacheWriteRate;
        }

        var uncached = input - cached - cacheWrite;
        var tokens =
            ((uncached * inputRate)
            + (cached * (cacheReadRate ?? inputRate))
            + (cacheWrite * (cacheWriteRate ?? inputRate))
            + (output * outputRate)) / PerMillion;
        var fees = pricing.PerRequest + SearchFee(pricing.SearchContextFees, context.SearchContextSize);
        var computed = tokens + fees;
        var reported = providerNanoUsd / NanoPerUsd;

        return new GatewayUsage
        {
            InputTokens = input,
            OutputTokens = output,
            CachedInputTokens = cached,
            CacheWriteInputTokens = cacheWrite,
            ReasoningTokens = Math.Max(usage?.ReasoningTokenCount ?? 0, 0),
            CostUsd = computed,
            ProviderReportedCostUsd = reported,
            CostDifferenceUsd = reported - computed,
            BilledCostUsd = reported ?? computed,
            BilledCostSource = reported is null ? GatewayCostSource.Catalog : GatewayCostSource.Provider,
            IsEstimated = isEstimated,
        };
    }

    private static decimal SearchFee(SearchContextFees? fees, SearchContextSize size) => fees is null ? 0m : size switch
    {
        SearchContextSize.High => fees.High,
        SearchContextSize.Medium => fees.Medium,
        _ => fees.Low,
    };
}
