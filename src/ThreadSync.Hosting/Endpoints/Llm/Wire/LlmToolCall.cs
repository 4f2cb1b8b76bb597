using System.Text.Json;

namespace ThreadSync.Hosting.Endpoints.Llm.Wire;

/// <summary>A tool call in an assistant message of the history; <see cref="Arguments"/> is an object or a JSON string.</summary>
internal sealed class LlmToolCall
{
    public string? Id { get; set; }

    public string? Name { get; set; }

    public JsonElement? Arguments { get; set; }
}
