namespace ThreadSync.Gateway.Providers.OpenAICompatible.Wire;

/// <summary>Breakdown of completion tokens.</summary>
internal sealed class CompletionTokensDetailsPayload
{
    public long? ReasoningTokens { get; set; }
}
