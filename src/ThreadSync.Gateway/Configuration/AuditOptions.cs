namespace ThreadSync.Gateway;

/// <summary>Audit chain settings, bound from <c>ThreadSync:Audit</c>.</summary>
public sealed class AuditOptions
{
    /// <summary>Gets or sets how often content kept beside the chain (orgs with <c>audit_content</c>) is checked for expiry and purged (<c>ThreadSync:Audit:ContentPurgeInterval</c>).</summary>
    /// <value>One hour by default.</value>
    public TimeSpan ContentPurgeInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets when a record counts as written, and so when the response it describes may complete (<c>ThreadSync:Audit:Durability</c>).</summary>
    /// <value><see cref="AuditDurability.Synced"/> (survives power loss) by default; <see cref="AuditDurability.Committed"/> survives a process crash and takes the fsync off every response.</value>
    public AuditDurability Durability { get; set; } = AuditDurability.Synced;
}
