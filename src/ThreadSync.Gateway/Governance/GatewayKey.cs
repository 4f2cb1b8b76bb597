namespace ThreadSync.Gateway.Governance;

/// <summary>
/// A managed API key's settings. The secret itself (<c>tsg-…</c>) is shown once at creation and never stored: the
/// store keeps SHA-256 hashes of it, one per rotation (see <see cref="Storage.IGovernanceStore.RotateKeyAsync"/>).
/// </summary>
public sealed record GatewayKey
{
    /// <summary>Gets the id (<c>key_…</c>): stable across rotations, safe to log, the subject of usage and audit records.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the org the key belongs to.</summary>
    public required string OrgId { get; init; }

    /// <summary>Gets the team the key belongs to, if any.</summary>
    public string? TeamId { get; init; }

    /// <summary>Gets a free environment label (<c>production</c>, <c>staging</c>), if any.</summary>
    public string? Environment { get; init; }

    /// <summary>Gets the display name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the last four characters of the current secret, to tell keys apart (<c>tsg-…a1b2</c>).</summary>
    public required string Hint { get; init; }

    /// <summary>Gets the tier whose rate limits apply where <see cref="Limits"/> sets none (see <c>ThreadSync:Governance:Tiers</c>).</summary>
    public string? Tier { get; init; }

    /// <summary>Gets the key's own limits; each one set overrides the tier's.</summary>
    public QuotaLimits Limits { get; init; } = QuotaLimits.None;

    /// <summary>Gets the providers and models the key may use.</summary>
    public AccessRules Access { get; init; } = AccessRules.AllowAll;

    /// <summary>Gets when the key was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the key was last rotated, if ever.</summary>
    public DateTimeOffset? RotatedAt { get; init; }

    /// <summary>Gets when the key was revoked, if it was: it is refused from then on, whatever secret is presented.</summary>
    public DateTimeOffset? RevokedAt { get; init; }
}
