using ThreadSync.Testing.FakeUpstreams;

namespace ThreadSync.Gateway.Tests.Conformance;

/// <summary>OpenAI: <c>max_completion_tokens</c>; reasoning and cached tokens are inside the totals.</summary>
internal sealed class OpenAIProfile : OpenAIShapedProfile
{
    public override FakeProviderKind Kind => FakeProviderKind.OpenAI;

    public override string Model => "gpt-4o";

    public override (FakeUsage Wire, ExpectedUsage Normalized) Usage =>
        (new FakeUsage(100, 50, ReasoningTokens: 10, CachedTokens: 20), new ExpectedUsage(100, 50, 20, 0, 10));

    protected override string MaxTokensField => "max_completion_tokens";
}
