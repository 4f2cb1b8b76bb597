namespace ThreadSync.Gateway;

/// <summary>
/// A failure the gateway reports to its caller with a stable status, type and code. Its message is safe to
/// show to clients: it never holds keys, upstream URLs or internal details.
/// </summary>
public sealed class GatewayException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="GatewayException"/> class.</summary>
    /// <param name="statusCode">The HTTP status the error maps to.</param>
    /// <param name="code">A stable machine-readable code from <see cref="GatewayErrorCodes"/>.</param>
    /// <param name="message">A client-safe message.</param>
    /// <param name="type">The OpenAI-style error type; derived from the status when omitted.</param>
    /// <param name="param">The request parameter at fault, if any.</param>
    /// <param name="retryAfter">How long the client should wait before retrying, if known.</param>
    /// <param name="innerException">The underlying exception, kept for logs only.</param>
    public GatewayException(
        int statusCode,
        string code,
        string message,
        string? type = null,
        string? param = null,
        TimeSpan? retryAfter = null,
        Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        Code = code;
        Type = type ?? TypeForStatus(statusCode);
        Param = param;
        RetryAfter = retryAfter;
    }

    /// <summary>Gets the HTTP status the error maps to.</summary>
    public int StatusCode { get; }

    /// <summary>Gets the stable error code, for example <c>model_not_found</c>.</summary>
    public string Code { get; }

    /// <summary>Gets the OpenAI-style error type, for example <c>invalid_request_error</c>.</summary>
    public string Type { get; }

    /// <summary>Gets the request parameter at fault, if any.</summary>
    public string? Param { get; }

    /// <summary>Gets how long the client should wait before retrying, if known.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>
    /// Gets what the server log may say beyond <see cref="Exception.Message"/>: for upstream failures the provider, the
    /// upstream status, error type and code, and the provider's own message — all passed through
    /// <see cref="SensitiveDataRedactor"/>. Never sent to clients.
    /// </summary>
    public string? LogDetail { get; init; }

    /// <summary>Gets the caller's rate-limit state when a quota refused the request (for <c>x-ratelimit-*</c> headers).</summary>
    public Storage.QuotaDecision? Quota { get; init; }

    private static string TypeForStatus(int statusCode) => statusCode switch
    {
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        429 => "rate_limit_error",
        502 or 503 or 504 => "upstream_error",
        >= 500 => "server_error",
        _ => "invalid_request_error",
    };
}
