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
}
