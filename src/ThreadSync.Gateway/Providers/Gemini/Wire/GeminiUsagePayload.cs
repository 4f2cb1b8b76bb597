namespace ThreadSync.Gateway.Providers.Gemini.Wire;

/// <summary>
/// Gemini usage: <c>promptTokenCount</c> includes cached tokens; <c>candidatesTokenCount</c> excludes thoughts, which are
/// billed as output and reported in <c>thoughtsTokenCount</c>.
/// </summary>
internal sealed class GeminiUsagePayload
{
    public long? PromptTokenCount { get; set; }

    public long? CachedContentTokenCount { get; set; }

    public long? CandidatesTokenCount { get; set; }

    public long? ThoughtsTokenCount { get; set; }

    public long? ToolUsePromptTokenCount { get; set; }

    public long? TotalTokenCount { get; set; }
}
