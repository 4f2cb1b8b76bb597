using System.Text.Json;

namespace ThreadSync.Hosting.Endpoints.Anthropic.Wire;

/// <summary>A tool definition. Client tools have no <c>type</c> (or <c>custom</c>); server tools have a versioned type.</summary>
internal sealed class AnthropicTool
{
    public string? Type { get; set; }

    public string? Name { get; set; }

    public string? Description { get; set; }

    public JsonElement? InputSchema { get; set; }
}
