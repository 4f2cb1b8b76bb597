namespace ThreadSync.Testing.FakeUpstreams;

/// <summary>
/// Token usage a fake reply reports, written as the provider's own wire fields: for OpenAI
/// <paramref name="CompletionTokens"/> includes reasoning, for xAI it excludes it.
/// </summary>
/// <param name="PromptTokens">The <c>prompt_tokens</c> value (includes cached tokens).</param>
/// <param name="CompletionTokens">The <c>completion_tokens</c> value.</param>
/// <param name="ReasoningTokens">The <c>completion_tokens_details.reasoning_tokens</c> value.</param>
/// <param name="CachedTokens">The <c>prompt_tokens_details.cached_tokens</c> value.</param>
/// <param name="CostUsd">Provider-reported cost: xAI <c>cost_in_usd_ticks</c>, Perplexity <c>usage.cost.total_cost</c>.</param>
public sealed record FakeUsage(int PromptTokens, int CompletionTokens, int ReasoningTokens = 0, int CachedTokens = 0, decimal? CostUsd = null);
