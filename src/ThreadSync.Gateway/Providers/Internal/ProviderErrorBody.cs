namespace ThreadSync.Gateway.Providers.Internal;

/// <summary>What a provider's error body says, whatever its shape.</summary>
/// <param name="Message">The provider's message (untrusted text).</param>
/// <param name="Type">The error type or status word (<c>rate_limit_error</c>, <c>RESOURCE_EXHAUSTED</c>).</param>
/// <param name="Code">The most specific code: OpenAI <c>code</c>, Anthropic <c>details.error_code</c>, Google <c>ErrorInfo.reason</c>.</param>
/// <param name="RetryDelay">A retry delay carried in the body (Google's <c>RetryInfo.retryDelay</c>).</param>
internal readonly record struct ProviderErrorBody(string? Message, string? Type, string? Code, TimeSpan? RetryDelay = null);
