using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using ThreadSync.Gateway;
using ThreadSync.Gateway.Catalog.Internal;
using ThreadSync.Gateway.Usage;

namespace ThreadSync.Benchmarks;

/// <summary>
/// Pricing one response's usage. Calls <c>CostCalculator.Compute(model, usage)</c> as it is today; if its signature
/// changes, only <see cref="Compute"/> and <see cref="Compute_WithCacheCounts"/> need adapting.
/// </summary>
[MemoryDiagnoser]
public class CostBenchmark
{
    private ModelDescriptor _model = null!;
    private UsageDetails _usage = null!;
    private UsageDetails _usageWithCache = null!;

    [GlobalSetup]
    public void GlobalSetup()
    {
        ModelCatalog.LoadEmbedded().TryResolve("claude-sonnet-4-6", out var model);
        _model = model!;
        _usage = new UsageDetails { InputTokenCount = 1_850, OutputTokenCount = 420, TotalTokenCount = 2_270 };
        _usageWithCache = new UsageDetails
        {
            InputTokenCount = 12_000,
            CachedInputTokenCount = 9_000,
            OutputTokenCount = 640,
            AdditionalCounts = new() { [UsageKeys.CacheWriteInputTokens] = 2_000 },
        };
    }

    [Benchmark(Baseline = true)]
    public decimal Compute() => CostCalculator.Compute(_model, _usage).CostUsd;

    [Benchmark]
    public decimal Compute_WithCacheCounts() => CostCalculator.Compute(_model, _usageWithCache).CostUsd;
}
