namespace ThreadSync.Gateway.Providers.Anthropic.Wire;

/// <summary>Breakdown of <c>output_tokens</c>.</summary>
internal sealed class AnthropicOutputTokensDetailsPayload
{
    public long? ThinkingTokens { get; set; }
}
