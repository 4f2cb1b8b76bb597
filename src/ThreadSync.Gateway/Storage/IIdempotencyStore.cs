namespace ThreadSync.Gateway.Storage;

/// <summary>
/// Idempotency records: which request holds an idempotency key, and the stored response of a finished one, so a
/// request executes upstream at most once per key however many times (and on however many instances) it is sent.
/// </summary>
/// <remarks>
/// <para><b>Semantics every implementation keeps</b> (the conformance suite checks them):</para>
/// <list type="bullet">
/// <item>A record belongs to an API key id and an idempotency key: the same idempotency key under two key ids is two
/// records.</item>
/// <item><see cref="ClaimAsync"/> is atomic: of any number of racing claims of a free key, on one instance or many,
/// exactly one gets <see cref="IdempotencyClaimStatus.Claimed"/>. A key is free when it has no record, or its record
/// expired (past its retention), whatever that record held.</item>
/// <item>A claimed key is <em>in progress</em> until its owner (the claim's <see cref="IdempotencyClaim.Owner"/>)
/// completes it (<see cref="CompleteAsync"/>: the response is stored and replayed from then on), releases it
/// (<see cref="ReleaseAsync"/>: the key is free again) or marks it uncertain (<see cref="MarkUncertainAsync"/>).
/// Only the owner can, and only while the key is in progress: each returns <see langword="false"/> otherwise.</item>
/// <item>An in-progress claim holds for its lease, which the owner extends with <see cref="RenewAsync"/>. A claim whose
/// lease ran out (its instance died mid-request) is turned uncertain by the next claim of that key: the request may
/// have reached a provider, so it is never run again under the key.</item>
/// <item>A claim whose fingerprint differs from the record's gets <see cref="IdempotencyClaimStatus.FingerprintMismatch"/>,
/// whatever the record's state.</item>
/// <item>Completed and uncertain records are kept for the claim's retention from when they were completed or marked,
/// then purged (<see cref="PurgeExpiredAsync"/>) or replaced by the next claim.</item>
/// <item>Time is the store's clock: the database server's for PostgreSQL, the injected <see cref="TimeProvider"/> for SQLite.</item>
/// </list>
/// </remarks>
public interface IIdempotencyStore
{
    /// <summary>Claims a key for a request, or reports what holds it.</summary>
    /// <param name="claim">The key, the request's fingerprint, the claiming owner, its lease and the retention.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>
    /// <see cref="IdempotencyClaimStatus.Claimed"/> when the caller now owns the key and must run the request;
    /// otherwise the record's state (with the stored response when <see cref="IdempotencyClaimStatus.Completed"/>).
    /// </returns>
    ValueTask<IdempotencyClaimResult> ClaimAsync(IdempotencyClaim claim, CancellationToken cancellationToken = default);

    /// <summary>Extends an in-progress claim's lease by <see cref="IdempotencyClaim.Lease"/> from now.</summary>
    /// <param name="claim">The claim, as claimed.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="false"/> when the claim is no longer in progress under this owner.</returns>
    ValueTask<bool> RenewAsync(IdempotencyClaim claim, CancellationToken cancellationToken = default);

    /// <summary>Stores the response of a claimed request; retries replay it for <see cref="IdempotencyClaim.Retention"/>.</summary>
    /// <param name="claim">The claim, as claimed.</param>
    /// <param name="response">The response to replay.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="false"/> when the claim is no longer in progress under this owner (nothing is stored).</returns>
    ValueTask<bool> CompleteAsync(IdempotencyClaim claim, IdempotentResponse response, CancellationToken cancellationToken = default);

    /// <summary>Frees a claimed key (the request was not executed and may be run again): the next claim gets it.</summary>
    /// <param name="claim">The claim, as claimed.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="false"/> when the claim is no longer in progress under this owner.</returns>
    ValueTask<bool> ReleaseAsync(IdempotencyClaim claim, CancellationToken cancellationToken = default);

    /// <summary>
    /// Quarantines a claimed key: the request may have been executed by a provider without the gateway learning the
    /// result, so claims get <see cref="IdempotencyClaimStatus.Uncertain"/> for <see cref="IdempotencyClaim.Retention"/>.
    /// </summary>
    /// <param name="claim">The claim, as claimed.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="false"/> when the claim is no longer in progress under this owner.</returns>
    ValueTask<bool> MarkUncertainAsync(IdempotencyClaim claim, CancellationToken cancellationToken = default);

    /// <summary>Deletes every record past its retention.</summary>
    /// <param name="cancellationToken">Cancels the purge (records already deleted stay deleted).</param>
    /// <returns>How many records were deleted.</returns>
    ValueTask<long> PurgeExpiredAsync(CancellationToken cancellationToken = default);
}
