using System.Text.Json;

namespace ThreadSync.Gateway.Providers.Gemini.Wire;

/// <summary>A <c>GenerateContentResponse</c>: the non-stream body and each streamed chunk (the same shape).</summary>
internal sealed class GeminiResponsePayload
{
    public List<GeminiCandidatePayload>? Candidates { get; set; }

    public GeminiUsagePayload? UsageMetadata { get; set; }

    public GeminiPromptFeedbackPayload? PromptFeedback { get; set; }

    public string? ModelVersion { get; set; }

    public string? ResponseId { get; set; }

    /// <summary>Set when a streamed chunk is an error object.</summary>
    public JsonElement? Error { get; set; }
}
