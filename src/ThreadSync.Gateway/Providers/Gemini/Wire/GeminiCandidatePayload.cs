namespace ThreadSync.Gateway.Providers.Gemini.Wire;

/// <summary>One candidate; the gateway always reads the first.</summary>
internal sealed class GeminiCandidatePayload
{
    public GeminiContentPayload? Content { get; set; }

    public string? FinishReason { get; set; }

    public int? Index { get; set; }
}
