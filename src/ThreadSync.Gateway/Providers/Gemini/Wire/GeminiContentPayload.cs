namespace ThreadSync.Gateway.Providers.Gemini.Wire;

/// <summary>A candidate's content: role <c>model</c> and its parts.</summary>
internal sealed class GeminiContentPayload
{
    public string? Role { get; set; }

    public List<GeminiPartPayload>? Parts { get; set; }
}
