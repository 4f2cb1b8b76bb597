using ThreadSync.Gateway.Governance.Internal;

namespace ThreadSync.Gateway.Governance;

/// <summary>
/// The key tiers a gateway knows: those configured under <c>ThreadSync:Governance:Tiers</c>, over the built-in
/// <c>free</c> (60 requests and 100,000 tokens per hour), <c>standard</c> (1,000 and 2,000,000) and <c>unlimited</c>.
/// Tier names are case-insensitive.
/// </summary>
public static class GatewayTiers
{
    /// <summary>Gets the names of every tier, configured ones first.</summary>
    /// <param name="options">The governance settings.</param>
    /// <returns>The tier names.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public static IReadOnlyList<string> Names(GovernanceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return [.. TierLimits.Names(options)];
    }

    /// <summary>Finds a tier's rate limits by name.</summary>
    /// <param name="options">The governance settings.</param>
    /// <param name="name">The tier name (case-insensitive).</param>
    /// <returns>The tier's limits, or <see langword="null"/> when no tier has that name.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static TierOptions? Find(GovernanceOptions options, string name)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(name);
        return TierLimits.Resolve(options, name);
    }
}
