namespace ThreadSync.Gateway.Providers.OpenAICompatible.Wire;

/// <summary>An assistant message (non-streaming) or delta (streaming).</summary>
internal sealed class MessagePayload
{
    public string? Role { get; set; }

    public string? Content { get; set; }

    public string? Refusal { get; set; }

    /// <summary>xAI (and some compatible servers): reasoning text.</summary>
    public string? ReasoningContent { get; set; }

    public List<ToolCallPayload>? ToolCalls { get; set; }
}
