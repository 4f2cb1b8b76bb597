using System.Runtime.InteropServices;

namespace ThreadSync.Gateway.Routing.Internal;

/// <summary>The routing-relevant facts of one request, computed by <see cref="RequestFeatureAnalyzer"/> without allocating.</summary>
[StructLayout(LayoutKind.Auto)]
internal readonly struct RequestFeatures
{
    public RequestFeatures(
        RequestSignals signals,
        int estimatedInputTokens,
        int requestedOutputTokens,
        int codeScore,
        int searchScore,
        int reasoningScore,
        int fastScore,
        int imageCount)
    {
        Signals = signals;
        EstimatedInputTokens = estimatedInputTokens;
        RequestedOutputTokens = requestedOutputTokens;
        CodeScore = codeScore;
        SearchScore = searchScore;
        ReasoningScore = reasoningScore;
        FastScore = fastScore;
        ImageCount = imageCount;
    }

    /// <summary>Gets the signals found.</summary>
    public RequestSignals Signals { get; }

    /// <summary>Gets the estimated input size in tokens: characters / 4 over every message, plus images and tool definitions.</summary>
    public int EstimatedInputTokens { get; }

    /// <summary>Gets the output limit the request set (<c>max_tokens</c>), or 0 when it set none.</summary>
    public int RequestedOutputTokens { get; }

    /// <summary>Gets the weighted number of code keyword hits.</summary>
    public int CodeScore { get; }

    /// <summary>Gets the weighted number of search/recency keyword hits.</summary>
    public int SearchScore { get; }

    /// <summary>Gets the weighted number of reasoning keyword hits.</summary>
    public int ReasoningScore { get; }

    /// <summary>Gets the weighted number of cheap/fast keyword hits.</summary>
    public int FastScore { get; }

    /// <summary>Gets the number of images in the conversation.</summary>
    public int ImageCount { get; }

    /// <summary>Gets a value indicating whether every signal in <paramref name="signals"/> was found.</summary>
    public bool Has(RequestSignals signals) => (Signals & signals) == signals;
}
