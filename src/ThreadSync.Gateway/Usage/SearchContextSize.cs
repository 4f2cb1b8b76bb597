namespace ThreadSync.Gateway.Usage;

/// <summary>The search context size a caller asked for (<c>web_search_options.search_context_size</c>), which selects Perplexity's request fee.</summary>
internal enum SearchContextSize
{
    /// <summary><c>low</c>, the default.</summary>
    Low,

    /// <summary><c>medium</c>.</summary>
    Medium,

    /// <summary><c>high</c>.</summary>
    High,
}
