namespace ThreadSync.Gateway.Providers.Anthropic.Wire;

/// <summary>Why the model stopped, when it refused (<c>stop_details</c>).</summary>
internal sealed class AnthropicStopDetailsPayload
{
    public string? Type { get; set; }

    public string? Category { get; set; }

    public string? Explanation { get; set; }
}
