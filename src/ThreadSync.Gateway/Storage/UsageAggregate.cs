namespace ThreadSync.Gateway.Storage;

/// <summary>Usage summed over a group; the dimensions not grouped by are <see langword="null"/>.</summary>
public sealed record UsageAggregate
{
    /// <summary>Gets the key, when grouped by key.</summary>
    public string? KeyId { get; init; }

    /// <summary>Gets the team, when grouped by team.</summary>
    public string? TeamId { get; init; }

    /// <summary>Gets the org, when grouped by org.</summary>
    public string? OrgId { get; init; }

    /// <summary>Gets the model, when grouped by model.</summary>
    public string? Model { get; init; }

    /// <summary>Gets the UTC day, when grouped by day.</summary>
    public DateOnly? Day { get; init; }

    /// <summary>Gets the number of requests.</summary>
    public long Requests { get; init; }

    /// <summary>Gets the requests with a verdict other than <see cref="UsageVerdicts.Ok"/>.</summary>
    public long Refused { get; init; }

    /// <summary>Gets the input tokens.</summary>
    public long InputTokens { get; init; }

    /// <summary>Gets the output tokens.</summary>
    public long OutputTokens { get; init; }

    /// <summary>Gets the cost in USD.</summary>
    public decimal CostUsd { get; init; }
}
