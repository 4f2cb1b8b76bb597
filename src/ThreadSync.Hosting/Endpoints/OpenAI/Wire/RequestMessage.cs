using System.Text.Json;

namespace ThreadSync.Hosting.Endpoints.OpenAI.Wire;

/// <summary>One inbound message; <see cref="Content"/> is a string, an array of parts, or null.</summary>
internal sealed class RequestMessage
{
    public string? Role { get; set; }

    public JsonElement? Content { get; set; }

    public string? Name { get; set; }

    public List<RequestToolCall>? ToolCalls { get; set; }

    public string? ToolCallId { get; set; }
}
