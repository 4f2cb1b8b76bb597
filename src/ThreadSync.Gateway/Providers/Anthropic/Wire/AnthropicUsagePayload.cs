namespace ThreadSync.Gateway.Providers.Anthropic.Wire;

/// <summary>
/// Anthropic usage: <c>input_tokens</c> counts only uncached input; cache reads and writes are reported apart;
/// <c>output_tokens</c> includes thinking. In streams the numbers are cumulative, last value wins.
/// </summary>
internal sealed class AnthropicUsagePayload
{
    public long? InputTokens { get; set; }

    public long? CacheCreationInputTokens { get; set; }

    public long? CacheReadInputTokens { get; set; }

    public long? OutputTokens { get; set; }

    public AnthropicOutputTokensDetailsPayload? OutputTokensDetails { get; set; }
}
