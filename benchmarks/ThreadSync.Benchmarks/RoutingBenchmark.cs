using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using ThreadSync.Gateway;
using ThreadSync.Gateway.Routing.Internal;

namespace ThreadSync.Benchmarks;

/// <summary>Routing decisions: pinned (id and alias) and heuristic on a 2 KB prompt, per strategy.</summary>
[MemoryDiagnoser]
public class RoutingBenchmark
{
    private ServiceProvider _services = null!;
    private RoutePlanner _planner = null!;
    private RoutingPolicy _policy = null!;
    private List<ChatMessage> _messages = null!;
    private ChatOptions _options = null!;

    [Params(RoutingStrategy.Balanced, RoutingStrategy.Cost, RoutingStrategy.Latency)]
    public RoutingStrategy Strategy { get; set; }

    [GlobalSetup]
    public void GlobalSetup()
    {
        _services = Setup.Gateway(Strategy);
        _planner = _services.GetRequiredService<RoutePlanner>();
        _policy = _planner.PolicyFor(null);
        _messages = Prompts.Conversation(Prompts.User2KB);
        _options = new ChatOptions();

        // Latency: a few models observed, so the ranking has real averages to compare.
        var latency = _services.GetRequiredService<ModelLatencyTracker>();
        latency.Record("gpt-5.4", TimeSpan.FromMilliseconds(420));
        latency.Record("claude-sonnet-4-6", TimeSpan.FromMilliseconds(380));
        latency.Record("gemini-3.1-pro-preview", TimeSpan.FromMilliseconds(510));

        var decision = _planner.DecideHeuristic(_messages, _options, _policy);
        Console.WriteLine($"// heuristic: {decision.Reason} ({Prompts.User2KB.Length} chars)");
    }

    [GlobalCleanup]
    public void GlobalCleanup() => _services.Dispose();

    [Benchmark(Baseline = true)]
    public ModelDescriptor DecidePinned() => _planner.DecidePinned("gpt-5.4").Model;

    [Benchmark]
    public ModelDescriptor DecidePinned_Alias() => _planner.DecidePinned("Claude-Sonnet").Model;

    [Benchmark]
    public ModelDescriptor DecideHeuristic_2KB() => _planner.DecideHeuristic(_messages, _options, _policy).Model;
}
