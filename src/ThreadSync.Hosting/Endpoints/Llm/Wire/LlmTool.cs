using System.Text.Json;

namespace ThreadSync.Hosting.Endpoints.Llm.Wire;

/// <summary>A function tool: name, description and JSON Schema parameters.</summary>
internal sealed class LlmTool
{
    public string? Name { get; set; }

    public string? Description { get; set; }

    public JsonElement? Parameters { get; set; }
}
