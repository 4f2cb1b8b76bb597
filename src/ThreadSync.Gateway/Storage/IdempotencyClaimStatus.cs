namespace ThreadSync.Gateway.Storage;

/// <summary>What <see cref="IIdempotencyStore.ClaimAsync"/> found.</summary>
public enum IdempotencyClaimStatus
{
    /// <summary>The key was free: the caller owns it now, runs the request, then completes, releases or marks the claim.</summary>
    Claimed,

    /// <summary>Another request holds the key and has not finished (its lease is current).</summary>
    InProgress,

    /// <summary>A request with this key finished: its response is stored, to be replayed.</summary>
    Completed,

    /// <summary>A request with this key may have been executed by a provider without the gateway learning the result: it is not run again.</summary>
    Uncertain,

    /// <summary>The key was used for a different request (another method, path or body).</summary>
    FingerprintMismatch,
}
