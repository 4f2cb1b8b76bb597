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
}
