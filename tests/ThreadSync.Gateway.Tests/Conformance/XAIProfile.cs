using ThreadSync.Testing.FakeUpstreams;

namespace ThreadSync.Gateway.Tests.Conformance;

/// <summary>xAI: reasoning tokens are reported outside <c>completion_tokens</c> and billed as output.</summary>
internal sealed class XAIProfile : OpenAIShapedProfile
{
    public override FakeProviderKind Kind => FakeProviderKind.XAI;

    public override string Model => "grok-4.3";

    public override (FakeUsage Wire, ExpectedUsage Normalized) Usage =>
        (new FakeUsage(100, 50, ReasoningTokens: 10, CachedTokens: 20), new ExpectedUsage(100, 60, 20, 0, 10));
}
