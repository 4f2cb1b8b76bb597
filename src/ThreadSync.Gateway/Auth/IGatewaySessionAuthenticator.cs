using ThreadSync.Gateway.Storage;

namespace ThreadSync.Gateway;

/// <summary>
/// Turns a verified browser session into the caller its requests run as: the governance of the key that minted its
/// share code (that key's limits, budgets and access rules, and its org's), further restricted by the app client's
/// access rules, attributed to the session's subject.
/// </summary>
public interface IGatewaySessionAuthenticator
{
    /// <summary>Resolves a session's caller, reading the minting key, its team and org now (so a revoked key stops its sessions at once).</summary>
    /// <param name="session">The session, already checked for expiry, revocation, origin and signature.</param>
    /// <param name="client">The session's app client, already checked not revoked.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The caller, or <see langword="null"/> when the minting key is revoked or gone.</returns>
    ValueTask<GatewayCaller?> AuthenticateSessionAsync(SubjectSession session, AppClient client, CancellationToken cancellationToken = default);
}
