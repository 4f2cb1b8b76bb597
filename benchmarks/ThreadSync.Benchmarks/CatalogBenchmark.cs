using BenchmarkDotNet.Attributes;
using ThreadSync.Gateway;
using ThreadSync.Gateway.Catalog.Internal;

namespace ThreadSync.Benchmarks;

/// <summary>Catalog lookups by id and alias, exact and differently cased.</summary>
[MemoryDiagnoser]
public class CatalogBenchmark
{
    private readonly ModelCatalog _catalog = ModelCatalog.LoadEmbedded();

    [Benchmark(Baseline = true)]
    public ModelDescriptor? ResolveId() => _catalog.TryResolve("gpt-5.4", out var model) ? model : null;

    [Benchmark]
    public ModelDescriptor? ResolveId_OtherCase() => _catalog.TryResolve("GPT-5.4", out var model) ? model : null;

    [Benchmark]
    public ModelDescriptor? ResolveAlias() => _catalog.TryResolve("claude-sonnet", out var model) ? model : null;

    [Benchmark]
    public ModelDescriptor? ResolveAlias_OtherCase() => _catalog.TryResolve("Claude-Sonnet", out var model) ? model : null;

    [Benchmark]
    public ModelDescriptor? ResolveUnknown() => _catalog.TryResolve("no-such-model", out var model) ? model : null;
}
