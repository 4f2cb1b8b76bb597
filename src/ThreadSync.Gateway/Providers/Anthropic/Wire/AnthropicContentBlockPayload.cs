using System.Text.Json;

namespace ThreadSync.Gateway.Providers.Anthropic.Wire;

/// <summary>One content block of a response: <c>text</c>, <c>thinking</c>, <c>redacted_thinking</c> or <c>tool_use</c> (others are skipped).</summary>
internal sealed class AnthropicContentBlockPayload
{
    public string? Type { get; set; }

    public string? Text { get; set; }

    public string? Thinking { get; set; }

    public string? Signature { get; set; }

    /// <summary>The encrypted payload of a <c>redacted_thinking</c> block.</summary>
    public string? Data { get; set; }

    public string? Id { get; set; }

    public string? Name { get; set; }

    /// <summary>A <c>tool_use</c> block's arguments: already a JSON object, not text.</summary>
    public JsonElement? Input { get; set; }
}
