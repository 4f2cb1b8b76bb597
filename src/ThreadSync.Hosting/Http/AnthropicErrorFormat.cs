namespace ThreadSync.Hosting.Http;

/// <summary>
/// Endpoint metadata (<c>.WithMetadata(AnthropicErrorFormat.Instance)</c>): errors of the endpoint are written in
/// Anthropic's shape, <c>{"type":"error","error":{"type","message"},"request_id"}</c>, instead of OpenAI's.
/// </summary>
internal sealed class AnthropicErrorFormat
{
    private AnthropicErrorFormat()
    {
    }

    /// <summary>Gets the one instance.</summary>
    public static AnthropicErrorFormat Instance { get; } = new();
}
