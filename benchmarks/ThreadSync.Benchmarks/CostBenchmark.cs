using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using ThreadSync.Gateway;
using ThreadSync.Gateway.Catalog.Internal;
using ThreadSync.Gateway.Usage;

namespace ThreadSync.Benchmarks;

/// <summary>
/// Pricing one response's usage, as the pipeline does after every call (<c>CostCalculator.Compute</c> with the
/// request's cost context: price date and search context size).
/// </summary>
[MemoryDiagnoser]
public class CostBenchmark
{
    private ModelDescriptor _model = null!;
    private UsageDetails _usage = null!;
    private UsageDetails _usageWithCache = null!;
    private CostContext _context;

    [GlobalSetup]
    public void GlobalSetup()
    {
        ModelCatalog.LoadEmbedded().TryResolve("claude-sonnet-4-6", out var model);
        _model = model!;
        _context = CostContext.Create(null, DateTimeOffset.UtcNow);
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
    public decimal Compute() => CostCalculator.Compute(_model, _usage, _context).CostUsd;

    [Benchmark]
    public decimal Compute_WithCacheCounts() => CostCalculator.Compute(_model, _usageWithCache, _context).CostUsd;
}
