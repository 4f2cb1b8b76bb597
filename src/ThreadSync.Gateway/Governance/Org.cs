namespace ThreadSync.Gateway.Governance;

/// <summary>An organization: the owner of teams and keys, with its own budgets and a policy over all its keys.</summary>
public sealed record Org
{
    /// <summary>Gets the id (<c>[a-z0-9_-]</c>, at most 64 characters).</summary>
    public required string Id { get; init; }

    /// <summary>Gets the display name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the org's own limits, shared by all its keys together.</summary>
    public QuotaLimits Limits { get; init; } = QuotaLimits.None;

    /// <summary>Gets the policy over every key of the org, which overrides the keys' own settings.</summary>
    public OrgPolicy Policy { get; init; } = OrgPolicy.None;

    /// <summary>Gets when the org was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}
