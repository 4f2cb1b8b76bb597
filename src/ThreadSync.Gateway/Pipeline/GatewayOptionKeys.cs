namespace ThreadSync.Gateway;

/// <summary>
/// Keys of <c>ChatOptions.AdditionalProperties</c> the built-in adapters read, so an endpoint that parsed a
/// provider-specific field can hand it to the adapter that knows it — and only to that one (an OpenAI
/// <c>metadata</c> map is not Anthropic's <c>metadata</c>). Values are <c>JsonElement</c>s unless noted.
/// </summary>
public static class GatewayOptionKeys
{
    /// <summary>The end user's id, a <c>JsonElement</c> string: OpenAI and xAI <c>user</c>, Anthropic <c>metadata.user_id</c>.</summary>
    public const string EndUserId = "user";

    /// <summary>Anthropic <c>thinking</c> (<c>{"type":"enabled","budget_tokens":…}</c>, adaptive or disabled). The bare key <c>thinking</c> is read too.</summary>
    public const string AnthropicThinking = "anthropic.thinking";

    /// <summary>Anthropic <c>output_config</c> (effort, format), sent verbatim; it then carries the response format itself.</summary>
    public const string AnthropicOutputConfig = "anthropic.output_config";

    /// <summary>Anthropic <c>service_tier</c> (<c>auto</c> or <c>standard_only</c>).</summary>
    public const string AnthropicServiceTier = "anthropic.service_tier";

    /// <summary>Anthropic <c>context_management</c>.</summary>
    public const string AnthropicContextManagement = "anthropic.context_management";

    /// <summary>The <c>anthropic-beta</c> header value to send (a <see cref="string"/>, comma-separated flags).</summary>
    public const string AnthropicBeta = "anthropic.beta";
}
