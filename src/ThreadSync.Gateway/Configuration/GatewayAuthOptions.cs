namespace ThreadSync.Gateway;

/// <summary>Client authentication settings, bound from <c>ThreadSync:Auth</c>.</summary>
public sealed class GatewayAuthOptions
{
    /// <summary>Gets or sets the API keys accepted from clients (<c>ThreadSync:Auth:ApiKeys</c>).</summary>
    /// <remarks>
    /// Interim: static keys from configuration until managed, hashed keys arrive. Only their SHA-256 hashes
    /// are kept in memory after start-up, and comparisons are constant-time.
    /// </remarks>
    public IList<string> ApiKeys { get; set; } = [];
}
