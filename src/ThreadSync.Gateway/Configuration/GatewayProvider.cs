namespace ThreadSync.Gateway;

/// <summary>The upstream model providers the gateway speaks to.</summary>
public enum GatewayProvider
{
    /// <summary>OpenAI Chat Completions.</summary>
    OpenAI,

    /// <summary>Anthropic Messages.</summary>
    Anthropic,

    /// <summary>Google Gemini (native generateContent).</summary>
    Gemini,

    /// <summary>xAI Grok (OpenAI-compatible).</summary>
    XAI,

    /// <summary>Perplexity Sonar (OpenAI-compatible with search extras).</summary>
    Perplexity,
}
