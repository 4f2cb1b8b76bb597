namespace ThreadSync.Gateway.Providers.Gemini.Wire;

/// <summary>A response part: text (a thought summary when <see cref="Thought"/> is true) or a function call.</summary>
internal sealed class GeminiPartPayload
{
    public string? Text { get; set; }

    public bool? Thought { get; set; }

    /// <summary>Opaque signature Gemini wants echoed back with the part.</summary>
    public string? ThoughtSignature { get; set; }

    public GeminiFunctionCallPayload? FunctionCall { get; set; }
}
