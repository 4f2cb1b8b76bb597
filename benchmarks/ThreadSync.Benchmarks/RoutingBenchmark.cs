using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using ThreadSync.Gateway;
using ThreadSync.Gateway.Routing.Internal;

namespace ThreadSync.Benchmarks;

/// <summary>Routing decisions: pinned (id and alias) and heuristic on a 2 KB developer question, per strategy.</summary>
[MemoryDiagnoser]
public class RoutingBenchmark
{
    private readonly List<ServiceProvider> _services = [];
    private readonly ChatOptions _options = new();
    private List<ChatMessage> _messages = null!;
    private List<ChatMessage> _shortMessages = null!;
    private (RoutePlanner Planner, RoutingPolicy Policy) _balanced;
    private (RoutePlanner Planner, RoutingPolicy Policy) _cost;
    private (RoutePlanner Planner, RoutingPolicy Policy) _latency;

    [GlobalSetup]
    public void GlobalSetup()
    {
        _messages = Prompts.Conversation(Prompts.User2KB);
        _shortMessages = Prompts.Conversation("Why does my build fail?");
        _balanced = Planner(RoutingStrategy.Balanced);
        _cost = Planner(RoutingStrategy.Cost);
        _latency = Planner(RoutingStrategy.Latency);

        // Latency: a few models observed, so the ranking compares real averages.
        var tracker = _services[^1].GetRequiredService<ModelLatencyTracker>();
        tracker.Record("gpt-5.4", TimeSpan.FromMilliseconds(420));
        tracker.Record("claude-sonnet-4-6", TimeSpan.FromMilliseconds(380));
        tracker.Record("gemini-3.1-pro-preview", TimeSpan.FromMilliseconds(510));

        foreach (var (planner, policy) in new[] { _balanced, _cost, _latency })
        {
            Console.WriteLine($"// heuristic: {planner.DecideHeuristic(_messages, _options, policy).Reason} ({Prompts.User2KB.Length} chars)");
        }
    }

    [GlobalCleanup]
    public void GlobalCleanup()
    {
        foreach (var services in _services)
        {
            services.Dispose();
        }
    }

    [Benchmark(Baseline = true)]
    public ModelDescriptor DecidePinned() => _balanced.Planner.DecidePinned("gpt-5.4").Model;

    [Benchmark]
    public ModelDescriptor DecidePinned_Alias() => _balanced.Planner.DecidePinned("Claude-Sonnet").Model;

    [Benchmark]
    public ModelDescriptor DecideHeuristic_2KB_Balanced() => _balanced.Planner.DecideHeuristic(_messages, _options, _balanced.Policy).Model;

    /// <summary>The decision without the 2 KB scan: what ranking and the reason cost.</summary>
    [Benchmark]
    public ModelDescriptor DecideHeuristic_ShortPrompt_Balanced() => _balanced.Planner.DecideHeuristic(_shortMessages, _options, _balanced.Policy).Model;

    [Benchmark]
    public ModelDescriptor DecideHeuristic_2KB_Cost() => _cost.Planner.DecideHeuristic(_messages, _options, _cost.Policy).Model;

    [Benchmark]
    public ModelDescriptor DecideHeuristic_2KB_Latency() => _latency.Planner.DecideHeuristic(_messages, _options, _latency.Policy).Model;

    private (RoutePlanner Planner, RoutingPolicy Policy) Planner(RoutingStrategy strategy)
    {
        var services = Setup.Gateway(strategy);
        _services.Add(services);
        var planner = services.GetRequiredService<CurrentRoutePlanner>().Planner;
        return (planner, planner.PolicyFor(null));
    }
}
