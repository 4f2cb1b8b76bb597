using ThreadSync.Gateway.Providers.Internal;

namespace ThreadSync.Gateway.Pipeline.Internal;

/// <summary>Decides what a provider failure means for retries and fallbacks.</summary>
internal static class FailureClassifier
{
    public static FailureDisposition Classify(ProviderException failure)
    {
        // Never retried (providers.md §0), but another provider's account may well have money left.
        if (failure.IsQuotaExhausted)
        {
            return FailureDisposition.NextProvider;
        }

        if (failure.Kind == ProviderFailureKind.Unsupported)
        {
            return FailureDisposition.FailRequest;
        }

        if (failure.Kind == ProviderFailureKind.HttpError)
        {
            switch (failure.StatusCode)
            {
                case 401 or 403:
                case 400 when failure.ErrorCode == "API_KEY_INVALID":
                    return FailureDisposition.NextProvider;
                case 404:
                    return FailureDisposition.NextModel;
                case 400 or 413 or 422:
                    return FailureDisposition.FailRequest;
            }
        }

        return failure.IsRetryable ? FailureDisposition.Retry : FailureDisposition.NextModel;
    }

    /// <summary>
    /// Gets a value indicating whether the provider may have executed the failed call without the gateway learning the
    /// result: a timeout (the request was sent, or may have been), a connection broken while reading the response, an
    /// answer the gateway could not read, or a transport failure after the connection was made. A provider's error
    /// status or error event, a feature the adapter refused, and a connection that was never made are certain: nothing ran.
    /// </summary>
    public static bool IsOutcomeUnknown(ProviderException failure) => failure.Kind switch
    {
        ProviderFailureKind.Timeout or ProviderFailureKind.StreamTruncated or ProviderFailureKind.MalformedResponse => true,
        ProviderFailureKind.Unavailable => !NeverConnected(failure.InnerException),
        _ => false,
    };

    /// <summary>
    /// Classifies a failed request (see <see cref="FailureOutcome"/>). Uncertain when a provider served the request (its
    /// model is on the context) or may have executed an attempt; otherwise by the error: the request's own fault is
    /// definite, refusals that time or an administrator can lift (402, 403, 429), provider and gateway faults (5xx) and
    /// a provider missing its credentials are transient, as is a cancellation before any call.
    /// </summary>
    public static FailureOutcome Classify(Exception? failure, GatewayRequestContext context)
    {
        if (context.Model is not null || context.UpstreamOutcomeUnknown || context.AttemptInFlight)
        {
            return FailureOutcome.Uncertain;
        }

        return failure switch
        {
            GatewayException { StatusCode: 402 or 403 or 408 or 409 or 429 or >= 500 } => FailureOutcome.Transient,
            GatewayException { Code: GatewayErrorCodes.ProviderNotConfigured } => FailureOutcome.Transient,
            GatewayException => FailureOutcome.Definite,
            _ => FailureOutcome.Transient,
        };
    }

    /// <summary>Whether the transport failed before a connection to the provider existed, so nothing was sent.</summary>
    private static bool NeverConnected(Exception? transport) => transport is HttpRequestException
    {
        HttpRequestError: HttpRequestError.NameResolutionError
            or HttpRequestError.ConnectionError
            or HttpRequestError.SecureConnectionError
            or HttpRequestError.ProxyTunnelError
            or HttpRequestError.ConfigurationLimitExceeded,
    };
}
