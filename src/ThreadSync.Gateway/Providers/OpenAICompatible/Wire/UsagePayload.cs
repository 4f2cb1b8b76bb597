namespace ThreadSync.Gateway.Providers.OpenAICompatible.Wire;

/// <summary>Usage as each OpenAI-compatible provider reports it (semantics differ; see the dialect).</summary>
internal sealed class UsagePayload
{
    public long? PromptTokens { get; set; }

    public long? CompletionTokens { get; set; }

    public long? TotalTokens { get; set; }

    public PromptTokensDetailsPayload? PromptTokensDetails { get; set; }

    public CompletionTokensDetailsPayload? CompletionTokensDetails { get; set; }

    /// <summary>Perplexity: reasoning tokens at the top level.</summary>
    public long? ReasoningTokens { get; set; }

    /// <summary>xAI: cost in ticks of 1e-10 USD.</summary>
    public long? CostInUsdTicks { get; set; }

    /// <summary>Perplexity: cost breakdown in USD.</summary>
    public CostPayload? Cost { get; set; }
}
