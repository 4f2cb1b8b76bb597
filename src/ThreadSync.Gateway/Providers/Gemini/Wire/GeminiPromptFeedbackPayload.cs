namespace ThreadSync.Gateway.Providers.Gemini.Wire;

/// <summary>Why a prompt was blocked outright (then there are no candidates).</summary>
internal sealed class GeminiPromptFeedbackPayload
{
    public string? BlockReason { get; set; }
}
