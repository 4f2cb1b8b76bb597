namespace ThreadSync.Gateway.Storage;

/// <summary>
/// App clients, share codes, subject sessions and used nonces (browser-safe sessions). Shared by every instance on one
/// database, so a share code is redeemed once and a nonce is accepted once across instances.
/// </summary>
/// <remarks>Times are the caller's (the gateway's clock); expiry is compared with the <c>now</c> the caller passes.</remarks>
public interface ISessionStore
{
    /// <summary>Creates an app client. Its session lifetime is stored in whole seconds and must be at least one.</summary>
    /// <param name="client">The app client.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="false"/> when the id is taken.</returns>
    ValueTask<bool> CreateAppClientAsync(AppClient client, CancellationToken cancellationToken = default);

    /// <summary>Reads an app client.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The app client, or <see langword="null"/>.</returns>
    ValueTask<AppClient?> GetAppClientAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Lists app clients, oldest first.</summary>
    /// <param name="orgId">Only this org's, or <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The app clients.</returns>
    ValueTask<IReadOnlyList<AppClient>> ListAppClientsAsync(string? orgId, CancellationToken cancellationToken = default);

    /// <summary>Replaces an app client's settings (name, origins, access, lifetime, revocation); its id, org and creation time stay.</summary>
    /// <param name="client">The app client.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="false"/> when it is missing.</returns>
    ValueTask<bool> UpdateAppClientAsync(AppClient client, CancellationToken cancellationToken = default);

    /// <summary>Records a new share code.</summary>
    /// <param name="code">The share code.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when it is stored; it faults when the hash is already stored.</returns>
    ValueTask CreateShareCodeAsync(ShareCode code, CancellationToken cancellationToken = default);

    /// <summary>
    /// Redeems a share code: atomically removes it and returns it, expired or not (the caller checks
    /// <see cref="ShareCode.ExpiresAt"/>), so it can be redeemed once, on one instance, however many race.
    /// </summary>
    /// <param name="codeHash">The SHA-256 of the code.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The code, or <see langword="null"/> when it is unknown or already redeemed.</returns>
    ValueTask<ShareCode?> RedeemShareCodeAsync(byte[] codeHash, CancellationToken cancellationToken = default);

    /// <summary>Creates a session.</summary>
    /// <param name="session">The session.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when it is stored; it faults when the id or the token hash is already stored.</returns>
    ValueTask CreateSessionAsync(SubjectSession session, CancellationToken cancellationToken = default);

    /// <summary>Finds a session by its token's hash, whatever its state (the caller checks expiry and revocation).</summary>
    /// <param name="tokenHash">The SHA-256 of the subject token.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The session, or <see langword="null"/>.</returns>
    ValueTask<SubjectSession?> FindSessionAsync(byte[] tokenHash, CancellationToken cancellationToken = default);

    /// <summary>Reads a session by id.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The session, or <see langword="null"/>.</returns>
    ValueTask<SubjectSession?> GetSessionAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Revokes a session; revoking a revoked one keeps the first time.</summary>
    /// <param name="id">The id.</param>
    /// <param name="at">When.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="false"/> when it is missing.</returns>
    ValueTask<bool> RevokeSessionAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records a request nonce of a session if it was never used: of racing uses of one nonce, on one instance or many,
    /// exactly one gets <see langword="true"/>.
    /// </summary>
    /// <param name="sessionId">The session.</param>
    /// <param name="nonce">The nonce.</param>
    /// <param name="expiresAt">When the nonce may be forgotten (its request's timestamp is out of the window by then).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="false"/> when the nonce was used before.</returns>
    ValueTask<bool> TryUseNonceAsync(string sessionId, string nonce, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes share codes, nonces and sessions whose expiry is at or before <paramref name="now"/> (revoked sessions stay
    /// until then; app clients are never purged).
    /// </summary>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many rows were deleted.</returns>
    ValueTask<long> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default);
}
