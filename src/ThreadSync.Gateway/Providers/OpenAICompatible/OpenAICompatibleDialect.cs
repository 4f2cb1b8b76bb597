using System.Collections.Frozen;

namespace ThreadSync.Gateway.Providers.OpenAICompatible;

/// <summary>
/// The differences between providers that speak OpenAI's Chat Completions shape, as data. One adapter class
/// serves all of them; each quirk from the provider spec is a property here rather than a branch elsewhere.
/// </summary>
internal sealed record OpenAICompatibleDialect
{
    private static readonly FrozenSet<string> CommonPassthrough = FrozenSet.Create(
        StringComparer.Ordinal,
        "user", "logprobs", "top_logprobs", "logit_bias", "reasoning_effort");

    /// <summary>OpenAI: <c>max_completion_tokens</c>, <c>developer</c> role on reasoning models, usage in streams on request.</summary>
    public static OpenAICompatibleDialect OpenAI { get; } = new()
    {
        Provider = GatewayProvider.OpenAI,
        DefaultBaseUrl = "https://api.openai.com/v1",
        MaxTokensField = "max_completion_tokens",
        DeveloperRoleForReasoningModels = true,
        RequestStreamUsage = true,
        Passthrough = FrozenSet.Create(
            StringComparer.Ordinal,
            [.. CommonPassthrough, "safety_identifier", "service_tier", "store", "metadata", "prompt_cache_key", "prompt_cache_retention", "verbosity", "web_search_options", "modalities", "prediction"]),
    };

    /// <summary>xAI: <c>max_tokens</c>; reasoning tokens are reported outside <c>completion_tokens</c>; cost in ticks.</summary>
    public static OpenAICompatibleDialect XAI { get; } = new()
    {
        Provider = GatewayProvider.XAI,
        DefaultBaseUrl = "https://api.x.ai/v1",
        MaxTokensField = "max_tokens",
        RequestStreamUsage = true,
        ReasoningTokensOutsideCompletion = true,
        Passthrough = FrozenSet.Create(StringComparer.Ordinal, [.. CommonPassthrough, "search_parameters"]),
    };

    /// <summary>Perplexity: no <c>/v1</c>, strict role alternation, search fields, cost in the usage, no tools.</summary>
    public static OpenAICompatibleDialect Perplexity { get; } = new()
    {
        Provider = GatewayProvider.Perplexity,
        DefaultBaseUrl = "https://api.perplexity.ai",
        MaxTokensField = "max_tokens",
        MergeConsecutiveRoles = true,
        SupportsTools = false,
        SupportsJsonObjectFormat = false,
        StripThinkPrefix = true,
        Passthrough = FrozenSet.Create(
            StringComparer.Ordinal,
            "search_mode", "search_domain_filter", "search_recency_filter", "search_after_date_filter",
            "search_before_date_filter", "last_updated_after_filter", "last_updated_before_filter",
            "search_language_filter", "web_search_options", "disable_search", "return_images",
            "return_related_questions", "num_search_results", "reasoning_effort"),
    };

    public required GatewayProvider Provider { get; init; }

    /// <summary>Gets the public base URL; the chat path is appended to it.</summary>
    public required string DefaultBaseUrl { get; init; }

    public string ChatPath { get; init; } = "chat/completions";

    public required string MaxTokensField { get; init; }

    public bool DeveloperRoleForReasoningModels { get; init; }

    /// <summary>Gets a value indicating whether to send <c>stream_options.include_usage</c> (usage arrives only then).</summary>
    public bool RequestStreamUsage { get; init; }

    /// <summary>Gets a value indicating whether <c>completion_tokens</c> excludes reasoning tokens (xAI).</summary>
    public bool ReasoningTokensOutsideCompletion { get; init; }

    /// <summary>Gets a value indicating whether consecutive same-role turns must be merged (Perplexity).</summary>
    public bool MergeConsecutiveRoles { get; init; }

    public bool SupportsTools { get; init; } = true;

    public bool SupportsJsonObjectFormat { get; init; } = true;

    /// <summary>Gets a value indicating whether a leading <c>&lt;think&gt;…&lt;/think&gt;</c> is reasoning, not content.</summary>
    public bool StripThinkPrefix { get; init; }

    /// <summary>Gets the provider-specific request fields a caller may pass through unchanged.</summary>
    public required FrozenSet<string> Passthrough { get; init; }
}
