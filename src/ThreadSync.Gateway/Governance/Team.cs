namespace ThreadSync.Gateway.Governance;

/// <summary>A team within an org, with its own budgets shared by the team's keys.</summary>
public sealed record Team
{
    /// <summary>Gets the id (<c>[a-z0-9_-]</c>, at most 64 characters).</summary>
    public required string Id { get; init; }

    /// <summary>Gets the org the team belongs to.</summary>
    public required string OrgId { get; init; }

    /// <summary>Gets the display name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the team's own limits, shared by all its keys together.</summary>
    public QuotaLimits Limits { get; init; } = QuotaLimits.None;

    /// <summary>Gets when the team was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}
