using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using ThreadSync.Gateway.Routing.Internal;

namespace ThreadSync.Benchmarks;

/// <summary>Request feature analysis alone on 2 KB prompts: a developer question with hits, and plain prose without.</summary>
[MemoryDiagnoser]
public class FeatureAnalysisBenchmark
{
    private readonly ChatOptions _options = new();
    private List<ChatMessage> _developerQuestion = null!;
    private List<ChatMessage> _prose = null!;
    private List<ChatMessage> _short = null!;

    [GlobalSetup]
    public void GlobalSetup()
    {
        _developerQuestion = Prompts.Conversation(Prompts.User2KB);
        _prose = Prompts.Conversation(Prompts.Prose2KB);
        _short = Prompts.Conversation("Why does my build fail?");
    }

    [Benchmark(Baseline = true)]
    public int Analyze_DeveloperQuestion2KB() => (int)RequestFeatureAnalyzer.Analyze(_developerQuestion, _options, 2026).Signals;

    [Benchmark]
    public int Analyze_Prose2KB() => (int)RequestFeatureAnalyzer.Analyze(_prose, _options, 2026).Signals;

    [Benchmark]
    public int Analyze_ShortPrompt() => (int)RequestFeatureAnalyzer.Analyze(_short, _options, 2026).Signals;
}
