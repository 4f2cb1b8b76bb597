using System.Text.Json;

namespace ThreadSync.Hosting.Endpoints.OpenAI.Wire;

/// <summary>A function in a tool definition (name, description, parameters) or in a tool call (name, arguments).</summary>
internal sealed class RequestFunction
{
    public string? Name { get; set; }

    public string? Description { get; set; }

    public JsonElement? Parameters { get; set; }

    public string? Arguments { get; set; }
}
