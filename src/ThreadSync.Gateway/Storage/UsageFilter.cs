namespace ThreadSync.Gateway.Storage;

/// <summary>Which ledger records a query covers; every criterion is optional.</summary>
public sealed record UsageFilter
{
    /// <summary>Gets the earliest arrival time included.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Gets the arrival time before which records are included (exclusive).</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Gets the org.</summary>
    public string? OrgId { get; init; }

    /// <summary>Gets the team.</summary>
    public string? TeamId { get; init; }

    /// <summary>Gets the key.</summary>
    public string? KeyId { get; init; }

    /// <summary>Gets the model.</summary>
    public string? Model { get; init; }
}
