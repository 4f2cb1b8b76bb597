namespace ThreadSync.Testing.FakeUpstreams;

/// <summary>
/// Token usage a fake reply reports, written as the provider's own wire fields (so tests prove the normalizer applies
/// each provider's counting rules): for OpenAI <paramref name="CompletionTokens"/> includes reasoning, for xAI it
/// excludes it; for Anthropic <paramref name="PromptTokens"/> is the uncached input only and
/// <paramref name="CompletionTokens"/> includes thinking; for Gemini <paramref name="PromptTokens"/> includes the cached
/// tokens and <paramref name="CompletionTokens"/> excludes the thoughts.
/// </summary>
/// <param name="PromptTokens">
/// OpenAI/xAI/Perplexity <c>prompt_tokens</c> (includes cached tokens); Anthropic <c>input_tokens</c> (uncached input only);
/// Gemini <c>promptTokenCount</c> (includes cached tokens).
/// </param>
/// <param name="CompletionTokens">
/// OpenAI/xAI/Perplexity <c>completion_tokens</c>; Anthropic <c>output_tokens</c> (includes thinking); Gemini
/// <c>candidatesTokenCount</c> (excludes thoughts).
/// </param>
/// <param name="ReasoningTokens">
/// OpenAI/xAI <c>completion_tokens_details.reasoning_tokens</c>, Perplexity <c>reasoning_tokens</c>, Gemini
/// <c>thoughtsTokenCount</c>; not on the Anthropic wire.
/// </param>
/// <param name="CachedTokens">
/// OpenAI/xAI <c>prompt_tokens_details.cached_tokens</c>; Anthropic <c>cache_read_input_tokens</c>; Gemini
/// <c>cachedContentTokenCount</c> (sent only when above zero).
/// </param>
/// <param name="CostUsd">Provider-reported cost: xAI <c>cost_in_usd_ticks</c>, Perplexity <c>usage.cost.total_cost</c>.</param>
/// <param name="CacheWriteTokens">Anthropic <c>cache_creation_input_tokens</c>; ignored by the other providers.</param>
public sealed record FakeUsage(int PromptTokens, int CompletionTokens, int ReasoningTokens = 0, int CachedTokens = 0, decimal? CostUsd = null, int CacheWriteTokens = 0);
