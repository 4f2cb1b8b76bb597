namespace ThreadSync.Gateway;

/// <summary>A key tier's rate limits (<c>ThreadSync:Governance:Tiers:&lt;name&gt;</c>); unset means unlimited.</summary>
public sealed class TierOptions
{
    /// <summary>Gets or sets the most requests per sliding hour.</summary>
    public long? RequestsPerHour { get; set; }

    /// <summary>Gets or sets the most tokens per sliding hour.</summary>
    public long? TokensPerHour { get; set; }
}
