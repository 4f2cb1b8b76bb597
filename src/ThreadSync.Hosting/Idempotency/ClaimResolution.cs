namespace ThreadSync.Hosting.Idempotency;

/// <summary>What becomes of a claimed idempotency key when its request ends.</summary>
internal enum ClaimResolution
{
    /// <summary>Store the response and replay it: a success, or a definite failure.</summary>
    Complete,

    /// <summary>Free the key: nothing was executed, and a retry may succeed.</summary>
    Release,

    /// <summary>Quarantine the key: a provider may have executed the request.</summary>
    MarkUncertain,
}
