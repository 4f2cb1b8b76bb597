namespace ThreadSync.Gateway.Storage;

/// <summary>The answer to an idempotency claim: the key's state, and the stored response when it is completed.</summary>
public sealed record IdempotencyClaimResult
{
    private IdempotencyClaimResult(IdempotencyClaimStatus status, IdempotentResponse? response)
    {
        Status = status;
        Response = response;
    }

    /// <summary>Gets the result of a successful claim.</summary>
    public static IdempotencyClaimResult Claimed { get; } = new(IdempotencyClaimStatus.Claimed, null);

    /// <summary>Gets the result for a key held by a request still running.</summary>
    public static IdempotencyClaimResult InProgress { get; } = new(IdempotencyClaimStatus.InProgress, null);

    /// <summary>Gets the result for a quarantined key.</summary>
    public static IdempotencyClaimResult Uncertain { get; } = new(IdempotencyClaimStatus.Uncertain, null);

    /// <summary>Gets the result for a key used by a different request.</summary>
    public static IdempotencyClaimResult FingerprintMismatch { get; } = new(IdempotencyClaimStatus.FingerprintMismatch, null);

    /// <summary>Gets the key's state.</summary>
    public IdempotencyClaimStatus Status { get; }

    /// <summary>Gets the stored response, when <see cref="Status"/> is <see cref="IdempotencyClaimStatus.Completed"/>.</summary>
    public IdempotentResponse? Response { get; }

    /// <summary>The result for a completed key.</summary>
    /// <param name="response">The stored response.</param>
    /// <returns>The result.</returns>
    public static IdempotencyClaimResult Completed(IdempotentResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return new(IdempotencyClaimStatus.Completed, response);
    }
}
