using ThreadSync.Gateway.Providers.Internal;

namespace ThreadSync.Gateway.Errors.Internal;

/// <summary>
/// Maps a provider failure to the stable, client-safe error the gateway returns. Provider credentials
/// problems are the gateway operator's, not the client's, so they surface as 502 without the provider's text.
/// </summary>
internal static class UpstreamErrorMapper
{
    public static GatewayException Map(ProviderException failure, string modelId)
    {
        var error = MapForClient(failure, modelId);
        return new GatewayException(error.StatusCode, error.Code, error.Message, error.Type, error.Param, error.RetryAfter, failure)
        {
            LogDetail = LogDetail(failure),
        };
    }

    /// <summary>The server log's view of a provider failure: everything known, every value redacted.</summary>
    private static string LogDetail(ProviderException failure) =>
        $"provider={failure.Provider.ToWireId()} kind={failure.Kind} upstream_status={failure.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} "
        + $"upstream_type={SensitiveDataRedactor.Redact(failure.ErrorType) ?? "-"} upstream_code={SensitiveDataRedactor.Redact(failure.ErrorCode) ?? "-"} "
        + $"upstream_message={SensitiveDataRedactor.Redact(failure.UpstreamMessage) ?? "-"}";

    private static GatewayException MapForClient(ProviderException failure, string modelId)
    {
        var provider = failure.Provider.ToWireId();
        var detail = SensitiveDataRedactor.Redact(failure.UpstreamMessage);
        var suffix = detail is null ? string.Empty : ": " + detail;
        return failure.Kind switch
        {
            ProviderFailureKind.Unsupported => new GatewayException(400, GatewayErrorCodes.UnsupportedParameter, detail ?? "The request uses a feature this provider does not support.", innerException: failure),
            ProviderFailureKind.Timeout => new GatewayException(504, GatewayErrorCodes.UpstreamTimeout, $"Provider '{provider}' did not answer in time.", innerException: failure),
            ProviderFailureKind.Unavailable => new GatewayException(502, GatewayErrorCodes.UpstreamUnavailable, $"Provider '{provider}' could not be reached.", innerException: failure),
            ProviderFailureKind.MalformedResponse => new GatewayException(502, GatewayErrorCodes.UpstreamError, $"Provider '{provider}' sent a response the gateway could not read.", innerException: failure),
            ProviderFailureKind.StreamTruncated => new GatewayException(502, GatewayErrorCodes.UpstreamError, $"The response from provider '{provider}' ended before it was complete.", innerException: failure),
            ProviderFailureKind.StreamError when failure.IsOverloaded => Overloaded(failure, provider),
            ProviderFailureKind.StreamError => new GatewayException(502, GatewayErrorCodes.UpstreamError, $"Provider '{provider}' reported an error during the response.", innerException: failure),
            _ => MapStatus(failure, provider, modelId, suffix),
        };
    }

    private static GatewayException MapStatus(ProviderException failure, string provider, string modelId, string suffix)
    {
        var status = failure.StatusCode ?? 502;
        if (failure.IsQuotaExhausted)
        {
            return new GatewayException(429, GatewayErrorCodes.UpstreamQuotaExhausted, $"Provider '{provider}' refused the request: the gateway's account has no quota or credit left. Retrying will not help.", innerException: failure);
        }

        return status switch
        {
            401 or 403 => AuthFailed(failure, provider),
            400 when failure.ErrorCode == "API_KEY_INVALID" => AuthFailed(failure, provider),
            404 => new GatewayException(404, GatewayErrorCodes.ModelNotFound, $"Provider '{provider}' does not serve the model '{modelId}' (it may have been retired){suffix}", param: "model", innerException: failure),
            429 => new GatewayException(429, GatewayErrorCodes.UpstreamRateLimited, $"Provider '{provider}' is rate-limiting requests. Retry later.", retryAfter: failure.RetryAfter, innerException: failure),
            400 or 413 or 422 => new GatewayException(400, GatewayErrorCodes.UpstreamBadRequest, $"Provider '{provider}' rejected the request{suffix}", innerException: failure),
            408 or 504 => new GatewayException(504, GatewayErrorCodes.UpstreamTimeout, $"Provider '{provider}' timed out.", innerException: failure),
            503 or 529 => Overloaded(failure, provider),
            _ => new GatewayException(502, GatewayErrorCodes.UpstreamError, $"Provider '{provider}' failed (HTTP {status}).", innerException: failure),
        };
    }

    private static GatewayException AuthFailed(ProviderException failure, string provider) =>
        new(502, GatewayErrorCodes.UpstreamAuthFailed, $"Provider '{provider}' rejected the gateway's credentials. An administrator must check the provider's API key.", innerException: failure);

    private static GatewayException Overloaded(ProviderException failure, string provider) =>
        new(503, GatewayErrorCodes.UpstreamOverloaded, $"Provider '{provider}' is overloaded. Retry later.", retryAfter: failure.RetryAfter, innerException: failure);
}
