namespace ThreadSync.Gateway.Providers.Anthropic.Wire;

/// <summary>
/// A <c>content_block_delta</c> delta (<c>text_delta</c>, <c>input_json_delta</c>, <c>thinking_delta</c>,
/// <c>signature_delta</c>) or a <c>message_delta</c> delta (stop reason and sequence).
/// </summary>
internal sealed class AnthropicDeltaPayload
{
    public string? Type { get; set; }

    public string? Text { get; set; }

    public string? PartialJson { get; set; }

    public string? Thinking { get; set; }

    public string? Signature { get; set; }

    public string? StopReason { get; set; }

    public string? StopSequence { get; set; }

    public AnthropicStopDetailsPayload? StopDetails { get; set; }
}
