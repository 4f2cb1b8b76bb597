namespace ThreadSync.Gateway;

/// <summary>Key tiers, rotation and reservation settings, bound from <c>ThreadSync:Governance</c>.</summary>
public sealed class GovernanceOptions
{
    /// <summary>Gets or sets the key tiers by name (<c>ThreadSync:Governance:Tiers:&lt;name&gt;</c>): the rate limits of keys in each.</summary>
    /// <value>By default <c>free</c> (60 requests and 100,000 tokens per hour), <c>standard</c> (1,000 and 2,000,000) and <c>unlimited</c>.</value>
    public IDictionary<string, TierOptions> Tiers { get; set; } = new Dictionary<string, TierOptions>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets the tier of keys created without one (<c>ThreadSync:Governance:DefaultTier</c>).</summary>
    /// <value><c>standard</c> by default.</value>
    public string DefaultTier { get; set; } = "standard";

    /// <summary>Gets or sets how long a rotated key's old secret keeps working (<c>ThreadSync:Governance:RotationGracePeriod</c>).</summary>
    /// <value>24 hours by default; the admin API can set another per rotation.</value>
    public TimeSpan RotationGracePeriod { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Gets or sets the output ceiling reserved, and sent upstream as <c>max_tokens</c>, when a request under a token or spending limit sets none (<c>ThreadSync:Governance:DefaultMaxOutputTokens</c>).</summary>
    /// <value>4,096 by default (or the model's own maximum, if lower).</value>
    public int DefaultMaxOutputTokens { get; set; } = 4096;

    /// <summary>Gets or sets how long an unsettled reservation holds before the store releases it (<c>ThreadSync:Governance:ReservationHold</c>).</summary>
    /// <value>30 minutes by default: longer than any request may take.</value>
    public TimeSpan ReservationHold { get; set; } = TimeSpan.FromMinutes(30);
}
