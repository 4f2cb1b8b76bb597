namespace ThreadSync.Gateway.Governance;

/// <summary>
/// An org's rules for all its keys. They override the keys' own: a model must pass both the org's and the key's
/// access rules, and each key limit is lowered to the org's cap where the cap is stricter (a key without a limit
/// of that kind gets the cap).
/// </summary>
public sealed record OrgPolicy
{
    /// <summary>Gets a policy that restricts nothing.</summary>
    public static OrgPolicy None { get; } = new();

    /// <summary>Gets the providers and models every key of the org is restricted to.</summary>
    public AccessRules Access { get; init; } = AccessRules.AllowAll;

    /// <summary>Gets the ceilings on each key's own limits.</summary>
    public QuotaLimits KeyLimitCaps { get; init; } = QuotaLimits.None;
}
