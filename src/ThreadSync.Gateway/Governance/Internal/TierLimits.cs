namespace ThreadSync.Gateway.Governance.Internal;

/// <summary>The key tiers: configured ones (<c>ThreadSync:Governance:Tiers</c>) over the built-in <c>free</c>, <c>standard</c> and <c>unlimited</c>.</summary>
internal static class TierLimits
{
    private static readonly Dictionary<string, TierOptions> BuiltIn = new(StringComparer.OrdinalIgnoreCase)
    {
        ["free"] = new TierOptions { RequestsPerHour = 60, TokensPerHour = 100_000 },
        ["standard"] = new TierOptions { RequestsPerHour = 1_000, TokensPerHour = 2_000_000 },
        ["unlimited"] = new TierOptions(),
    };

    /// <summary>Gets the names of every tier, configured and built-in.</summary>
    public static IEnumerable<string> Names(GovernanceOptions options) =>
        options.Tiers.Keys.Concat(BuiltIn.Keys).Distinct(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets a tier's limits, or <see langword="null"/> when no tier has that name.</summary>
    public static TierOptions? Resolve(GovernanceOptions options, string name)
    {
        foreach (var (tierName, tier) in options.Tiers)
        {
            if (string.Equals(tierName, name, StringComparison.OrdinalIgnoreCase))
            {
                return tier;
            }
        }

        return BuiltIn.GetValueOrDefault(name);
    }
}
