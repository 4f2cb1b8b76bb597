namespace ThreadSync.Gateway.Providers.OpenAICompatible.Wire;

/// <summary>Breakdown of prompt tokens.</summary>
internal sealed class PromptTokensDetailsPayload
{
    public long? CachedTokens { get; set; }

    public long? CacheWriteTokens { get; set; }
}
