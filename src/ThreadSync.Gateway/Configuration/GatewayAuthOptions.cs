namespace ThreadSync.Gateway;

/// <summary>Client authentication settings, bound from <c>ThreadSync:Auth</c>.</summary>
/// <remarks>
/// Clients authenticate with managed keys (<c>tsg-…</c>) created through the admin API and stored only as SHA-256
/// hashes. The keys listed here are a bootstrap convenience: imported at start-up as managed keys of the org
/// <see cref="BootstrapOrg"/>, after which they are managed like any other key (rotate, revoke, limits).
/// </remarks>
public sealed class GatewayAuthOptions
{
    /// <summary>Gets or sets keys to import as managed keys at start-up (<c>ThreadSync:Auth:BootstrapKeys</c>).</summary>
    /// <remarks>Only the SHA-256 hash of each is stored. Importing is idempotent; a key revoked through the admin API stays revoked.</remarks>
    public IList<string> BootstrapKeys { get; set; } = [];

    /// <summary>Gets or sets the org bootstrap keys are imported into, created if missing (<c>ThreadSync:Auth:BootstrapOrg</c>).</summary>
    /// <value><c>default</c> by default.</value>
    public string BootstrapOrg { get; set; } = "default";

    /// <summary>Gets or sets the tier of bootstrap keys (<c>ThreadSync:Auth:BootstrapTier</c>).</summary>
    /// <value><c>unlimited</c> by default: they are the operator's keys.</value>
    public string BootstrapTier { get; set; } = "unlimited";
}
