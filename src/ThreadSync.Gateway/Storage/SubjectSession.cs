namespace ThreadSync.Gateway.Storage;

/// <summary>
/// A browser's session, from a share code's exchange: a bearer subject token (stored as its SHA-256) and an HMAC key
/// that signs every request. Short-lived and revocable.
/// </summary>
public sealed record SubjectSession
{
    /// <summary>Gets the id (<c>ses_…</c>), safe to log and to revoke by.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the SHA-256 of the subject token (the token itself is never stored).</summary>
    public required byte[] TokenHash { get; init; }

    /// <summary>Gets the HMAC-SHA256 key requests are signed with (32 random bytes; the gateway must hold it to verify).</summary>
    public required byte[] HmacKey { get; init; }

    /// <summary>Gets the app client the session belongs to.</summary>
    public required string AppClientId { get; init; }

    /// <summary>Gets the org.</summary>
    public required string OrgId { get; init; }

    /// <summary>Gets the key that minted the share code: its governance applies to the session's requests.</summary>
    public required string KeyId { get; init; }

    /// <summary>Gets the subject the session acts for.</summary>
    public required string SubjectId { get; init; }

    /// <summary>Gets the origin the exchange came from; every signed request must come from it.</summary>
    public required string Origin { get; init; }

    /// <summary>Gets when the session was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the session ends.</summary>
    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Gets when the session was revoked, if it was.</summary>
    public DateTimeOffset? RevokedAt { get; init; }
}
