namespace ThreadSync.Gateway;

/// <summary>
/// Markers adapters put on normalized content so endpoints can render provider extras (refusals, citations,
/// search results) without knowing any provider. Producers and consumers both use these constants.
/// </summary>
public static class GatewayContentKeys
{
    /// <summary>The <c>ErrorContent.ErrorCode</c> of a model refusal (OpenAI's <c>refusal</c>).</summary>
    public const string RefusalErrorCode = "refusal";

    /// <summary>Key in a <c>CitationAnnotation</c>'s additional properties saying which list it came from.</summary>
    public const string CitationKind = "threadsync.citation_kind";

    /// <summary><see cref="CitationKind"/> value: an entry of the provider's <c>citations</c> URL list.</summary>
    public const string CitationKindCitation = "citation";

    /// <summary><see cref="CitationKind"/> value: an entry of the provider's <c>search_results</c>.</summary>
    public const string CitationKindSearchResult = "search_result";

    /// <summary>Key holding the citation URL exactly as the provider sent it (which may not parse as a <c>Uri</c>).</summary>
    public const string CitationUrl = "url";

    /// <summary>
    /// Key in a <c>ChatResponse</c>'s (or finishing <c>ChatResponseUpdate</c>'s) additional properties holding the
    /// provider's own finish reason (for example Anthropic <c>end_turn</c>, Gemini <c>RECITATION</c>) next to the normalized one.
    /// </summary>
    public const string FinishReasonRaw = "threadsync.finish_reason_raw";

    /// <summary>
    /// Key in a <c>ChatResponse</c>'s (or finishing <c>ChatResponseUpdate</c>'s) additional properties holding the stop
    /// sequence that ended the output, when the provider reports which one matched (Anthropic).
    /// </summary>
    public const string StopSequence = "threadsync.stop_sequence";

    /// <summary>
    /// Key in a <c>FunctionResultContent</c>'s additional properties: <see langword="true"/> marks the result as a failed
    /// tool run (Anthropic <c>is_error</c>). A result carrying an <c>Exception</c> counts as failed too.
    /// </summary>
    public const string ToolResultIsError = "threadsync.tool_result_is_error";

    /// <summary>
    /// Key in a <c>TextReasoningContent</c>'s additional properties: <see langword="true"/> marks Anthropic redacted thinking,
    /// whose encrypted payload is the content's <c>ProtectedData</c> and must go back to Anthropic unchanged.
    /// </summary>
    public const string RedactedThinking = "anthropic.redacted_thinking";

    /// <summary>
    /// Key in any content's additional properties holding an Anthropic <c>cache_control</c> object (a <c>JsonElement</c>,
    /// such as <c>{"type":"ephemeral"}</c>): a prompt-cache breakpoint after that block. Sent to Anthropic on system
    /// text, text, image, document, tool use and tool result blocks; other providers cache on their own.
    /// </summary>
    public const string AnthropicCacheControl = "anthropic.cache_control";
}
