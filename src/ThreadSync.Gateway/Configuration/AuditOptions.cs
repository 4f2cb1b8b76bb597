namespace ThreadSync.Gateway;

/// <summary>Audit chain settings, bound from <c>ThreadSync:Audit</c>.</summary>
public sealed class AuditOptions
{
    /// <summary>Gets or sets how often content kept beside the chain (orgs with <c>audit_content</c>) is checked for expiry and purged (<c>ThreadSync:Audit:ContentPurgeInterval</c>).</summary>
    /// <value>One hour by default.</value>
    public TimeSpan ContentPurgeInterval { get; set; } = TimeSpan.FromHours(1);
}
