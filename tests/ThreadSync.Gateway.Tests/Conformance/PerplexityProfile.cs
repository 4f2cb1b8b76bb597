using ThreadSync.Testing.FakeUpstreams;

namespace ThreadSync.Gateway.Tests.Conformance;

/// <summary>Perplexity: no tool calling; plain prompt and completion counts.</summary>
internal sealed class PerplexityProfile : OpenAIShapedProfile
{
    public override FakeProviderKind Kind => FakeProviderKind.Perplexity;

    public override string Model => "sonar-pro";

    public override bool SupportsTools => false;

    public override (FakeUsage Wire, ExpectedUsage Normalized) Usage =>
        (new FakeUsage(100, 50), new ExpectedUsage(100, 50, 0, 0, 0));
}
