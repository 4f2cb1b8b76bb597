using Microsoft.Extensions.AI;
using ThreadSync.Gateway.Usage;

namespace ThreadSync.Gateway.Tests.Usage;

public sealed class CostCalculatorTests
{
    private static readonly ModelDescriptor Model = new()
    {
        Id = "m",
        Provider = GatewayProvider.Anthropic,
        Pricing = new ModelPricing { InputPerMillion = 3m, OutputPerMillion = 15m, CacheReadPerMillion = 0.3m, CacheWritePerMillion = 3.75m, PerRequest = 0.001m },
    };

    [Fact]
    public void Compute_PricesEachTokenClassAtItsOwnRate()
    {
        var usage = new UsageDetails
        {
            InputTokenCount = 1_000_000,
            CachedInputTokenCount = 200_000,
            OutputTokenCount = 100_000,
            ReasoningTokenCount = 40_000,
            AdditionalCounts = new() { [UsageKeys.CacheWriteInputTokens] = 300_000 },
        };

        var result = CostCalculator.Compute(Model, usage);

        // 500k uncached * 3 + 200k cached * 0.3 + 300k written * 3.75 + 100k out * 15, per million, + fee.
        Assert.Equal(1.5m + 0.06m + 1.125m + 1.5m + 0.001m, result.CostUsd);
        Assert.Equal(1_000_000, result.InputTokens);
        Assert.Equal(40_000, result.ReasoningTokens);
        Assert.Equal(1_100_000, result.TotalTokens);
    }

    [Fact]
    public void Compute_WithoutCachePrices_BillsCacheAsInput_AndKeepsProviderCost()
    {
        var model = Model with { Pricing = new ModelPricing { InputPerMillion = 2m, OutputPerMillion = 8m } };
        var usage = new UsageDetails { InputTokenCount = 10, CachedInputTokenCount = 4, OutputTokenCount = 5, AdditionalCounts = new() { [UsageKeys.ProviderCostNanoUsd] = 123_456 } };

        var result = CostCalculator.Compute(model, usage);

        Assert.Equal((10 * 2m + 5 * 8m) / 1_000_000m, result.CostUsd);
        Assert.Equal(0.000123456m, result.ProviderReportedCostUsd);
    }

    [Fact]
    public void Compute_NoUsage_ChargesOnlyTheRequestFee()
    {
        Assert.Equal(0.001m, CostCalculator.Compute(Model, null).CostUsd);
    }
}
