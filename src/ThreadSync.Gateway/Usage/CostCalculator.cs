using Microsoft.Extensions.AI;

namespace ThreadSync.Gateway.Usage;

/// <summary>Turns normalized usage into dollars with the catalog's prices. Pure and allocation-light.</summary>
internal static class CostCalculator
{
    private const decimal PerMillion = 1_000_000m;

    public static GatewayUsage Compute(ModelDescriptor model, UsageDetails? usage)
    {
        var input = usage?.InputTokenCount ?? 0;
        var output = usage?.OutputTokenCount ?? 0;
        var cached = Math.Min(usage?.CachedInputTokenCount ?? 0, input);
        long cacheWrite = 0;
        long? providerNanoUsd = null;
        if (usage?.AdditionalCounts is { } counts)
        {
            if (counts.TryGetValue(UsageKeys.CacheWriteInputTokens, out var written))
            {
                cacheWrite = Math.Min(written, input - cached);
            }

            if (counts.TryGetValue(UsageKeys.ProviderCostNanoUsd, out var nano))
            {
                providerNanoUsd = nano;
            }
        }

        var pricing = model.Pricing;
        var uncached = input - cached - cacheWrite;
        var cost =
            ((uncached * pricing.InputPerMillion)
            + (cached * (pricing.CacheReadPerMillion ?? pricing.InputPerMillion))
            + (cacheWrite * (pricing.CacheWritePerMillion ?? pricing.InputPerMillion))
            + (output * pricing.OutputPerMillion)) / PerMillion
            + pricing.PerRequest;

        return new GatewayUsage
        {
            InputTokens = input,
            OutputTokens = output,
            CachedInputTokens = cached,
            CacheWriteInputTokens = cacheWrite,
            ReasoningTokens = usage?.ReasoningTokenCount ?? 0,
            CostUsd = cost,
            ProviderReportedCostUsd = providerNanoUsd / 1_000_000_000m,
        };
    }
}
