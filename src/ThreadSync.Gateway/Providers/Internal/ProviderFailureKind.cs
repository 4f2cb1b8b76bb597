namespace ThreadSync.Gateway.Providers.Internal;

/// <summary>How a provider call failed.</summary>
internal enum ProviderFailureKind
{
    /// <summary>The provider answered with an error status.</summary>
    HttpError,

    /// <summary>The provider sent an error event after a successful start of a stream.</summary>
    StreamError,

    /// <summary>The stream ended (or the connection dropped) before the provider finished.</summary>
    StreamTruncated,

    /// <summary>The provider's response could not be understood.</summary>
    MalformedResponse,

    /// <summary>The provider could not be reached.</summary>
    Unavailable,

    /// <summary>The provider did not answer in time.</summary>
    Timeout,

    /// <summary>The request uses a feature the provider does not offer.</summary>
    Unsupported,
}
