using System.Text.Json;
using Microsoft.Extensions.AI;
using ThreadSync.Gateway.Catalog.Internal;
using ThreadSync.Gateway.Usage;

namespace ThreadSync.Gateway.Tests.Usage;

/// <summary>Cost per provider semantics, with the embedded catalog's prices. Every expected value is exact.</summary>
public sealed class CostCalculatorTests
{
    private static readonly ModelCatalog Catalog = ModelCatalog.LoadEmbedded();
    private static readonly CostContext Today = new() { Date = new DateOnly(2026, 11, 24) };

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

        var result = CostCalculator.Compute(Model, usage, Today);

        // 500k uncached * 3 + 200k cached * 0.3 + 300k written * 3.75 + 100k out * 15, per million, + fee.
        Assert.Equal(4.186m, result.CostUsd);
        Assert.Equal(4.186m, result.BilledCostUsd);
        Assert.Equal(GatewayCostSource.Catalog, result.BilledCostSource);
        Assert.Null(result.ProviderReportedCostUsd);
        Assert.Null(result.CostDifferenceUsd);
        Assert.False(result.IsEstimated);
        Assert.Equal(1_000_000, result.InputTokens);
        Assert.Equal(300_000, result.CacheWriteInputTokens);
        Assert.Equal(40_000, result.ReasoningTokens);
        Assert.Equal(1_100_000, result.TotalTokens);
    }

    [Fact]
    public void Compute_Anthropic_CacheReadsAndWritesAtTheirPrices()
    {
        // Anthropic reports input_tokens 1,000 + cache_read 20,000 + cache_creation 4,000; the adapter sums them.
        var usage = new UsageDetails { InputTokenCount = 25_000, CachedInputTokenCount = 20_000, OutputTokenCount = 800, AdditionalCounts = new() { [UsageKeys.CacheWriteInputTokens] = 4_000 } };

        var result = CostCalculator.Compute(Resolve("claude-sonnet-4-6"), usage, Today);

        // 1,000 * 3 + 20,000 * 0.30 + 4,000 * 3.75 + 800 * 15 = 3,000 + 6,000 + 15,000 + 12,000 = 36,000 per million.
        Assert.Equal(0.036m, result.CostUsd);
    }

    [Fact]
    public void Compute_OpenAI_ReasoningIsBilledAsOutput_CachedAtTheCachedPrice()
    {
        var usage = new UsageDetails { InputTokenCount = 10_000, CachedInputTokenCount = 4_000, OutputTokenCount = 3_000, ReasoningTokenCount = 2_500 };

        var result = CostCalculator.Compute(Resolve("gpt-5.4"), usage, Today);

        // 6,000 * 2.50 + 4,000 * 0.25 + 3,000 * 15 = 15,000 + 1,000 + 45,000 per million.
        Assert.Equal(0.061m, result.CostUsd);
        Assert.Equal(2_500, result.ReasoningTokens);
    }

    [Fact]
    public void Compute_OpenAIGpt54_AboveTheLongContextThreshold_BillsTheWholeRequestAtTheTier()
    {
        var model = Resolve("gpt-5.4");
        var atThreshold = new UsageDetails { InputTokenCount = 272_000, CachedInputTokenCount = 72_000, OutputTokenCount = 10_000 };
        var above = new UsageDetails { InputTokenCount = 272_001, CachedInputTokenCount = 72_000, OutputTokenCount = 10_000 };

        // 200,000 * 2.50 + 72,000 * 0.25 + 10,000 * 15 = 500,000 + 18,000 + 150,000 per million.
        Assert.Equal(0.668m, CostCalculator.Compute(model, atThreshold, Today).CostUsd);

        // 200,001 * 5.00 + 72,000 * 0.50 + 10,000 * 22.50 = 1,000,005 + 36,000 + 225,000 per million.
        Assert.Equal(1.261005m, CostCalculator.Compute(model, above, Today).CostUsd);
    }

    [Fact]
    public void Compute_Gemini25Pro_LongContextTier_AndGemini38FlashPriceChangeByDate()
    {
        var pro = CostCalculator.Compute(Resolve("gemini-2.5-pro"), new UsageDetails { InputTokenCount = 300_000, CachedInputTokenCount = 100_000, OutputTokenCount = 20_000 }, Today);

        // 200,000 * 2.50 + 100,000 * 0.25 + 20,000 * 15 = 500,000 + 25,000 + 300,000 per million.
        Assert.Equal(0.825m, pro.CostUsd);

        var flash = Resolve("gemini-3.8-flash");
        var usage = new UsageDetails { InputTokenCount = 1_000_000, OutputTokenCount = 1_000_000 };
        Assert.Equal(4.50m, CostCalculator.Compute(flash, usage, Today with { Date = new DateOnly(2026, 12, 31) }).CostUsd);
        Assert.Equal(9.00m, CostCalculator.Compute(flash, usage, Today with { Date = new DateOnly(2027, 1, 1) }).CostUsd);
    }

    [Fact]
    public void Compute_XAIGrok4_LongContextTier_KeepsTheBaseCacheReadPrice()
    {
        var usage = new UsageDetails { InputTokenCount = 200_000, CachedInputTokenCount = 100_000, OutputTokenCount = 1_000, AdditionalCounts = new() { [UsageKeys.ProviderCostNanoUsd] = 705_000_000 } };

        var result = CostCalculator.Compute(Resolve("grok-4"), usage, Today);

        // 100,000 * 6 + 100,000 * 0.75 + 1,000 * 30 = 600,000 + 75,000 + 30,000 per million.
        Assert.Equal(0.705m, result.CostUsd);
        Assert.Equal(0.705m, result.ProviderReportedCostUsd);
        Assert.Equal(0m, result.CostDifferenceUsd);
    }

    [Theory]
    [InlineData(null, 0.006)]
    [InlineData("""{"search_context_size":"low"}""", 0.006)]
    [InlineData("""{"search_context_size":"medium"}""", 0.010)]
    [InlineData("""{"search_context_size":"high","search_type":"pro"}""", 0.014)]
    [InlineData("""{"search_context_size":"enormous"}""", 0.006)]
    [InlineData("""{"user_location":{"country":"FR"}}""", 0.006)]
    public void Compute_Perplexity_RequestFeeFollowsTheCallersSearchContextSize(string? webSearchOptions, double fee)
    {
        var options = new ChatOptions();
        if (webSearchOptions is not null)
        {
            options.AdditionalProperties = new() { ["web_search_options"] = JsonDocument.Parse(webSearchOptions).RootElement.Clone() };
        }

        var context = CostContext.Create(options, new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
        var result = CostCalculator.Compute(Resolve("sonar-pro"), new UsageDetails { InputTokenCount = 9, OutputTokenCount = 12 }, context);

        // 9 * 3 + 12 * 15 = 207 per million, plus the fee.
        Assert.Equal(0.000207m + (decimal)fee, result.CostUsd);
        Assert.Equal(new DateOnly(2026, 11, 24), context.Date);
    }

    [Fact]
    public void Compute_Perplexity_ProviderCostIsBilled_AndTheDifferenceKept()
    {
        // Perplexity's usage.cost.total_cost 0.006207 reaches the gateway as 6,207,000 nano-USD.
        var usage = new UsageDetails { InputTokenCount = 9, OutputTokenCount = 12, AdditionalCounts = new() { [UsageKeys.ProviderCostNanoUsd] = 6_307_000 } };

        var result = CostCalculator.Compute(Resolve("sonar-pro"), usage, Today);

        Assert.Equal(0.006207m, result.CostUsd);
        Assert.Equal(0.006307m, result.ProviderReportedCostUsd);
        Assert.Equal(0.0001m, result.CostDifferenceUsd);
        Assert.Equal(0.006307m, result.BilledCostUsd);
        Assert.Equal(GatewayCostSource.Provider, result.BilledCostSource);
    }

    [Fact]
    public void Compute_WithoutCachePrices_BillsCacheAsInput()
    {
        var model = Model with { Pricing = new ModelPricing { InputPerMillion = 2m, OutputPerMillion = 8m } };
        var usage = new UsageDetails { InputTokenCount = 10, CachedInputTokenCount = 4, OutputTokenCount = 5, AdditionalCounts = new() { [UsageKeys.CacheWriteInputTokens] = 3 } };

        var result = CostCalculator.Compute(model, usage, Today);

        Assert.Equal(0.00006m, result.CostUsd);
    }

    [Fact]
    public void Compute_InconsistentCounts_AreClampedNotNegative()
    {
        var usage = new UsageDetails { InputTokenCount = 10, CachedInputTokenCount = 50, OutputTokenCount = -3, AdditionalCounts = new() { [UsageKeys.CacheWriteInputTokens] = 7 } };

        var result = CostCalculator.Compute(Model, usage, Today);

        Assert.Equal((10L, 0L, 0L, 0L), (result.CachedInputTokens, result.CacheWriteInputTokens, result.OutputTokens, result.ReasoningTokens));
        Assert.Equal(0.001003m, result.CostUsd);
    }

    [Fact]
    public void Compute_NoUsage_ChargesOnlyTheRequestFees()
    {
        Assert.Equal(0.001m, CostCalculator.Compute(Model, null, Today).CostUsd);
        Assert.Equal(0.012m, CostCalculator.Compute(Resolve("sonar"), null, Today with { SearchContextSize = SearchContextSize.High }).CostUsd);
    }

    [Fact]
    public void Compute_StreamUsage_CarriesTheEstimateFlag()
    {
        var estimated = new StreamUsage(new UsageDetails { InputTokenCount = 100, OutputTokenCount = 10 }, IsEstimated: true);

        var result = CostCalculator.Compute(Model, estimated, Today);

        Assert.True(result.IsEstimated);
        Assert.Equal(0.00145m, result.CostUsd);
    }

    private static ModelDescriptor Resolve(string id)
    {
        Assert.True(Catalog.TryResolve(id, out var model), id);
        return model;
    }
}
