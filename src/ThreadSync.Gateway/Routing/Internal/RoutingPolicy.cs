using System.Collections.Frozen;

namespace ThreadSync.Gateway.Routing.Internal;

/// <summary>
/// The effective routing settings of one organization (or the gateway-wide defaults): org overrides merged over
/// <see cref="RoutingOptions"/>, with each intent's candidate list resolved against the catalog once.
/// </summary>
/// <remarks>Immutable and shared by every request of the organization: get it from <see cref="RoutingPolicyResolver.For"/>.</remarks>
internal sealed class RoutingPolicy
{
    private readonly RouteCandidate[][] _candidates;
    private readonly FrozenSet<ModelDescriptor>? _allowed;

    public RoutingPolicy(
        string? orgId,
        RoutingMode mode,
        RoutingStrategy strategy,
        RetiredModelHandling retiredModels,
        ModelDescriptor? routerModel,
        TimeSpan routerTimeout,
        int longContextTokens,
        RouteCandidate[][] candidates,
        RouteCandidate[] shortlist,
        FrozenSet<ModelDescriptor>? allowed)
    {
        OrgId = orgId;
        Mode = mode;
        Strategy = strategy;
        RetiredModels = retiredModels;
        RouterModel = routerModel;
        RouterTimeout = routerTimeout;
        LongContextTokens = longContextTokens;
        _candidates = candidates;
        Shortlist = shortlist;
        _allowed = allowed;
    }

    /// <summary>Gets the organization id, or <see langword="null"/> for the gateway-wide policy.</summary>
    public string? OrgId { get; }

    /// <summary>Gets the routing mode of auto-routed requests.</summary>
    public RoutingMode Mode { get; }

    /// <summary>Gets the ranking strategy.</summary>
    public RoutingStrategy Strategy { get; }

    /// <summary>Gets what happens to requests naming a retired model (applied by the request pipeline).</summary>
    public RetiredModelHandling RetiredModels { get; }

    /// <summary>Gets the router model of <see cref="RoutingMode.LlmRouter"/> mode, when configured.</summary>
    public ModelDescriptor? RouterModel { get; }

    /// <summary>Gets how long the router model may take.</summary>
    public TimeSpan RouterTimeout { get; }

    /// <summary>Gets the estimated input size from which a request counts as long context.</summary>
    public int LongContextTokens { get; }

    /// <summary>Gets every preferred model of every intent (deduplicated, in <see cref="RequestIntents.All"/> order): the router model's wider choice.</summary>
    internal RouteCandidate[] Shortlist { get; }

    /// <summary>Gets a value indicating whether the organization may be routed to <paramref name="model"/> (its <c>AllowedModels</c>).</summary>
    public bool IsAllowed(ModelDescriptor model) => _allowed is null || _allowed.Contains(model);

    /// <summary>Gets the preferred models of an intent, best first (the intent's own tier only).</summary>
    public IReadOnlyList<ModelDescriptor> PreferencesFor(RequestIntent intent) =>
        CandidatesFor(intent).Where(c => c.Tier == RouteCandidate.IntentTier).Select(c => c.Model).ToArray();

    /// <summary>Gets every candidate of an intent: its preferences, then the general ones, then the rest of the active catalog.</summary>
    internal RouteCandidate[] CandidatesFor(RequestIntent intent) => _candidates[(int)intent];
}
