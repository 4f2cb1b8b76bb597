namespace ThreadSync.Testing.FakeUpstreams;

/// <summary>The provider wire dialect a <see cref="FakeProviderServer"/> speaks.</summary>
public enum FakeProviderKind
{
    /// <summary>OpenAI Chat Completions (<c>POST /v1/chat/completions</c>).</summary>
    OpenAI,

    /// <summary>xAI Grok, OpenAI-compatible Chat Completions (<c>POST /v1/chat/completions</c>).</summary>
    XAI,

    /// <summary>Perplexity Sonar (<c>POST /chat/completions</c>, no <c>/v1</c>).</summary>
    Perplexity,
}
