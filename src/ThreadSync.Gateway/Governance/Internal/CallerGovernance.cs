using ThreadSync.Gateway.Storage;

namespace ThreadSync.Gateway.Governance.Internal;

/// <summary>
/// What the gateway enforces on one managed key's requests, resolved at authentication: the key's and its org's access
/// rules, and the key, team and org quota scopes with the limits in force (tier, key overrides, org caps).
/// </summary>
internal sealed class CallerGovernance
{
    public CallerGovernance(KeyCredential credential, GovernanceOptions options, AccessRules? appAccess = null)
    {
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(options);
        var (key, team, org) = credential;
        KeyId = key.Id;
        KeyAccess = key.Access;
        OrgAccess = org.Policy.Access;
        AppAccess = appAccess ?? AccessRules.AllowAll;
        var keyLimits = EffectiveKeyLimits(key, org.Policy, options);

        // Every scope is counted, limited or not, so a budget an admin adds mid-month counts the month's spend so far.
        Scopes = team is null
            ? [new QuotaScope(QuotaScopeKind.Key, key.Id, keyLimits), new QuotaScope(QuotaScopeKind.Org, org.Id, org.Limits)]
            : [new QuotaScope(QuotaScopeKind.Key, key.Id, keyLimits), new QuotaScope(QuotaScopeKind.Team, team.Id, team.Limits), new QuotaScope(QuotaScopeKind.Org, org.Id, org.Limits)];
        LimitsConsumption = Scopes.Any(static s => s.Limits.LimitsConsumption);
        IsRestrictive = KeyAccess.IsRestrictive || OrgAccess.IsRestrictive || AppAccess.IsRestrictive;
        IsAllowed = model => Allows(model, out _);
    }

    public string KeyId { get; }

    public AccessRules KeyAccess { get; }

    public AccessRules OrgAccess { get; }

    /// <summary>Gets the app client's rules, for a browser session's requests (allow-all otherwise).</summary>
    public AccessRules AppAccess { get; }

    /// <summary>Gets the key, team (if any) and org scopes, in lock order.</summary>
    public IReadOnlyList<QuotaScope> Scopes { get; }

    /// <summary>Gets a value indicating whether any scope limits tokens or spend: requests then need a bounded output to reserve.</summary>
    public bool LimitsConsumption { get; }

    /// <summary>Gets a value indicating whether any access rule restricts models.</summary>
    public bool IsRestrictive { get; }

    /// <summary>Gets <see cref="Allows(ModelDescriptor, out string?)"/> as a cached delegate, for the router's filter.</summary>
    public Func<ModelDescriptor, bool> IsAllowed { get; }

    /// <summary>Decides whether the caller may use a model: the org's rules first (they override the key's), then the key's, then a session's app client's.</summary>
    /// <param name="model">The model.</param>
    /// <param name="refusal">The refusing rule, prefixed by whose it is (<c>org policy allowed_models [gpt-*]</c>).</param>
    /// <returns>Whether the model is allowed.</returns>
    public bool Allows(ModelDescriptor model, out string? refusal)
    {
        if (!IsRestrictive)
        {
            refusal = null;
            return true;
        }

        var provider = model.Provider.ToWireId();
        if (!OrgAccess.Allows(provider, model.Id, model.Aliases, out var rule))
        {
            refusal = "the org policy's " + rule;
            return false;
        }

        if (!KeyAccess.Allows(provider, model.Id, model.Aliases, out rule))
        {
            refusal = "the key's " + rule;
            return false;
        }

        if (!AppAccess.Allows(provider, model.Id, model.Aliases, out rule))
        {
            refusal = "the app client's " + rule;
            return false;
        }

        refusal = null;
        return true;
    }

    private static QuotaLimits EffectiveKeyLimits(GatewayKey key, OrgPolicy policy, GovernanceOptions options)
    {
        var tierName = key.Tier ?? options.DefaultTier;
        var tier = TierLimits.Resolve(options, tierName);
        var limits = key.Limits with
        {
            RequestsPerHour = key.Limits.RequestsPerHour ?? tier?.RequestsPerHour,
            TokensPerHour = key.Limits.TokensPerHour ?? tier?.TokensPerHour,
        };
        return limits.CappedBy(policy.KeyLimitCaps);
    }
}
