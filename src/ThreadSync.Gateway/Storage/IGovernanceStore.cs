using ThreadSync.Gateway.Governance;

namespace ThreadSync.Gateway.Storage;

/// <summary>
/// Orgs, teams, keys and their secrets' hashes: what the admin API manages and authentication reads.
/// Implementations: SQLite (embedded default) and PostgreSQL (several instances), both passing the same conformance suite.
/// </summary>
/// <remarks>Create methods return <see langword="false"/> when the id is taken or the parent (org, team) does not exist.</remarks>
public interface IGovernanceStore
{
    /// <summary>Creates an org.</summary>
    ValueTask<bool> CreateOrgAsync(Org org, CancellationToken cancellationToken = default);

    /// <summary>Gets an org, or <see langword="null"/>.</summary>
    ValueTask<Org?> GetOrgAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Lists every org, by id.</summary>
    ValueTask<IReadOnlyList<Org>> ListOrgsAsync(CancellationToken cancellationToken = default);

    /// <summary>Replaces an org's name, limits and policy; <see langword="false"/> when it does not exist.</summary>
    ValueTask<bool> UpdateOrgAsync(Org org, CancellationToken cancellationToken = default);

    /// <summary>Creates a team in an existing org.</summary>
    ValueTask<bool> CreateTeamAsync(Team team, CancellationToken cancellationToken = default);

    /// <summary>Gets a team, or <see langword="null"/>.</summary>
    ValueTask<Team?> GetTeamAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Lists teams, of one org or all, by id.</summary>
    ValueTask<IReadOnlyList<Team>> ListTeamsAsync(string? orgId = null, CancellationToken cancellationToken = default);

    /// <summary>Replaces a team's name and limits (not its org); <see langword="false"/> when it does not exist.</summary>
    ValueTask<bool> UpdateTeamAsync(Team team, CancellationToken cancellationToken = default);

    /// <summary>Creates a key with the SHA-256 hash of its first secret. The org (and team, if set, in that org) must exist.</summary>
    ValueTask<bool> CreateKeyAsync(GatewayKey key, byte[] secretHash, CancellationToken cancellationToken = default);

    /// <summary>Gets a key, or <see langword="null"/>.</summary>
    ValueTask<GatewayKey?> GetKeyAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Lists keys, optionally of one org and/or team, by id.</summary>
    ValueTask<IReadOnlyList<GatewayKey>> ListKeysAsync(string? orgId = null, string? teamId = null, CancellationToken cancellationToken = default);

    /// <summary>Replaces a key's name, environment, tier, limits and access rules (not its org, team, hint or dates); <see langword="false"/> when it does not exist.</summary>
    ValueTask<bool> UpdateKeyAsync(GatewayKey key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Rotates a key: adds a new secret hash (and hint), and makes every older secret of the key expire at
    /// <paramref name="previousSecretsExpireAt"/> (keeping an earlier expiry where one is set). <see langword="false"/>
    /// when the key does not exist or is revoked.
    /// </summary>
    ValueTask<bool> RotateKeyAsync(string id, byte[] newSecretHash, string newHint, DateTimeOffset rotatedAt, DateTimeOffset previousSecretsExpireAt, CancellationToken cancellationToken = default);

    /// <summary>Revokes a key, effective for the next request; <see langword="false"/> when it does not exist or was already revoked.</summary>
    ValueTask<bool> RevokeKeyAsync(string id, DateTimeOffset revokedAt, CancellationToken cancellationToken = default);

    /// <summary>
    /// Finds the key a secret belongs to, with its team and org, when the secret is current at <paramref name="now"/>
    /// (not expired by a rotation) and the key not revoked; else <see langword="null"/>.
    /// </summary>
    ValueTask<KeyCredential?> FindCredentialAsync(byte[] secretHash, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Gets a gateway setting (such as the admin key's hash), or <see langword="null"/>.</summary>
    ValueTask<string?> GetSettingAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Stores a setting unless it is already set; returns the value in force afterwards.</summary>
    ValueTask<string> SetSettingIfAbsentAsync(string name, string value, CancellationToken cancellationToken = default);
}
