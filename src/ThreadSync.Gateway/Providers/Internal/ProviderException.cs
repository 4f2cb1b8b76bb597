namespace ThreadSync.Gateway.Providers.Internal;

/// <summary>
/// A provider call failed. Thrown by adapters and turned into a client-safe <see cref="GatewayException"/> by
/// the gateway. <see cref="UpstreamMessage"/> is the provider's own text: untrusted, never shown unsanitized.
/// </summary>
internal sealed class ProviderException : Exception
{
    public ProviderException(
        GatewayProvider provider,
        ProviderFailureKind kind,
        string message,
        int? statusCode = null,
        string? errorType = null,
        string? errorCode = null,
        string? upstreamMessage = null,
        TimeSpan? retryAfter = null,
        bool? shouldRetry = null,
        Exception? innerException = null)
        : base(message, innerException)
    {
        Provider = provider;
        Kind = kind;
        StatusCode = statusCode;
        ErrorType = errorType;
        ErrorCode = errorCode;
        UpstreamMessage = upstreamMessage;
        RetryAfter = retryAfter;
        ShouldRetry = shouldRetry;
    }

    public GatewayProvider Provider { get; }

    public ProviderFailureKind Kind { get; }

    public int? StatusCode { get; }

    public string? ErrorType { get; }

    public string? ErrorCode { get; }

    public string? UpstreamMessage { get; }

    public TimeSpan? RetryAfter { get; }

    /// <summary>Gets the provider's explicit <c>x-should-retry</c> verdict, when it sent one.</summary>
    public bool? ShouldRetry { get; }

    /// <summary>
    /// Gets a value indicating whether money or quota is exhausted (OpenAI <c>insufficient_quota</c>, Anthropic
    /// <c>enforced_spend_limit_reached</c> or <c>billing_error</c>, HTTP 402): retrying cannot help.
    /// </summary>
    public bool IsQuotaExhausted =>
        StatusCode == 402
        || ErrorCode is "insufficient_quota" or "enforced_spend_limit_reached"
        || ErrorType == "billing_error";

    /// <summary>Gets a value indicating whether the provider is overloaded (Anthropic 529 <c>overloaded_error</c>, HTTP 503).</summary>
    public bool IsOverloaded => StatusCode is 529 or 503 || ErrorType is "overloaded_error" or "UNAVAILABLE";

    /// <summary>
    /// Gets a value indicating whether the same request may succeed if sent again (providers.md §0): 408, 409, 429
    /// and 5xx (Anthropic 529 included), timeouts, unreachable hosts, overload reported mid-stream — unless the
    /// provider said otherwise with <c>x-should-retry</c> or the account is out of quota.
    /// </summary>
    public bool IsRetryable
    {
        get
        {
            if (IsQuotaExhausted)
            {
                return false;
            }

            if (ShouldRetry is { } verdict)
            {
                return verdict;
            }

            return Kind switch
            {
                ProviderFailureKind.Timeout or ProviderFailureKind.Unavailable => true,
                ProviderFailureKind.StreamError => IsOverloaded || ErrorType is "api_error" or "server_error" or "INTERNAL",
                ProviderFailureKind.HttpError => StatusCode is 408 or 409 or 429 or >= 500,
                _ => false,
            };
        }
    }
}
