namespace ThreadSync.Testing.FakeUpstreams;

/// <summary>One Perplexity <c>search_results</c> entry.</summary>
/// <param name="Title">The page title.</param>
/// <param name="Url">The page URL.</param>
/// <param name="Date">The optional publication date (omitted from the wire when null).</param>
/// <param name="Snippet">The optional snippet (omitted from the wire when null).</param>
public sealed record FakeSearchResult(string Title, string Url, string? Date = null, string? Snippet = null);
