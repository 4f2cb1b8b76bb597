using System.Text.Json;

namespace ThreadSync.Hosting.Endpoints.Anthropic.Wire;

/// <summary>One message: <c>role</c> and <c>content</c> (a string or an array of content blocks).</summary>
internal sealed class AnthropicMessage
{
    public string? Role { get; set; }

    public JsonElement? Content { get; set; }
}
