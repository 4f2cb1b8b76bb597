namespace ThreadSync.Gateway.Providers.OpenAICompatible.Wire;

/// <summary>A Perplexity search result.</summary>
internal sealed class SearchResultPayload
{
    public string? Title { get; set; }

    public string? Url { get; set; }

    public string? Date { get; set; }

    public string? LastUpdated { get; set; }

    public string? Snippet { get; set; }

    public string? Source { get; set; }
}
