using System.Text.Json;

namespace ThreadSync.Hosting.Endpoints.Llm.Wire;

/// <summary>One message; <see cref="Content"/> is a string or an array of <c>text</c> / <c>image</c> parts.</summary>
internal sealed class LlmMessage
{
    public string? Role { get; set; }

    public JsonElement? Content { get; set; }

    public List<LlmToolCall>? ToolCalls { get; set; }

    public string? ToolCallId { get; set; }
}
