namespace ThreadSync.Gateway.Providers.OpenAICompatible.Wire;

/// <summary>A tool call, whole (non-streaming, xAI streams) or a fragment keyed by <see cref="Index"/>.</summary>
internal sealed class ToolCallPayload
{
    public int? Index { get; set; }

    public string? Id { get; set; }

    public string? Type { get; set; }

    public FunctionPayload? Function { get; set; }
}
