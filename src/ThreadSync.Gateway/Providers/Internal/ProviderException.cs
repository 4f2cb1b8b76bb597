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
    }

    public GatewayProvider Provider { get; }

    public ProviderFailureKind Kind { get; }

    public int? StatusCode { get; }

    public string? ErrorType { get; }

    public string? ErrorCode { get; }

    public string? UpstreamMessage { get; }

    public TimeSpan? RetryAfter { get; }
}
