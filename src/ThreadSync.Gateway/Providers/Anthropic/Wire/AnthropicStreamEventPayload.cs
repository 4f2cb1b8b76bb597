using System.Text.Json;

namespace ThreadSync.Gateway.Providers.Anthropic.Wire;

/// <summary>
/// The <c>data</c> of one Anthropic stream event; <see cref="Type"/> repeats the SSE event name
/// (<c>message_start</c>, <c>content_block_start</c>, <c>content_block_delta</c>, <c>content_block_stop</c>,
/// <c>message_delta</c>, <c>message_stop</c>, <c>ping</c>, <c>error</c>).
/// </summary>
internal sealed class AnthropicStreamEventPayload
{
    public string? Type { get; set; }

    public AnthropicMessagePayload? Message { get; set; }

    public int? Index { get; set; }

    public AnthropicContentBlockPayload? ContentBlock { get; set; }

    public AnthropicDeltaPayload? Delta { get; set; }

    public AnthropicUsagePayload? Usage { get; set; }

    public JsonElement? Error { get; set; }
}
