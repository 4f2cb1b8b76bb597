using System.Text.Json;

namespace ThreadSync.Gateway.Providers.Anthropic.Wire;

/// <summary>An Anthropic <c>message</c> object: the non-stream body, and the shell inside <c>message_start</c>.</summary>
internal sealed class AnthropicMessagePayload
{
    public string? Id { get; set; }

    public string? Type { get; set; }

    public string? Model { get; set; }

    public List<AnthropicContentBlockPayload>? Content { get; set; }

    public string? StopReason { get; set; }

    public string? StopSequence { get; set; }

    public AnthropicStopDetailsPayload? StopDetails { get; set; }

    public AnthropicUsagePayload? Usage { get; set; }

    /// <summary>Set when the body is an error object rather than a message.</summary>
    public JsonElement? Error { get; set; }
}
