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

    /// <summary>Anthropic Messages (<c>POST /v1/messages</c>; the base URL is the bare origin).</summary>
    Anthropic,

    /// <summary>
    /// Google Gemini native REST (<c>POST /v1beta/models/{model}:generateContent</c> and
    /// <c>:streamGenerateContent</c>; the base URL ends in <c>/v1beta</c>).
    /// </summary>
    Gemini,
}
