using System.Collections.Frozen;
using Microsoft.Extensions.Options;

namespace ThreadSync.Gateway.Routing.Internal;

/// <summary>
/// Builds the gateway-wide <see cref="RoutingPolicy"/> and one per configured organization at start-up, and hands
/// them out without allocating.
/// </summary>
internal sealed class RoutingPolicyResolver
{
    private readonly RoutingPolicy _default;
    private readonly FrozenDictionary<string, RoutingPolicy> _orgs;
    private readonly FrozenDictionary<ModelDescriptor, ModelDescriptor[]> _fallbacks;

    public RoutingPolicyResolver(IOptions<GatewayOptions> options, IModelCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(catalog);
        var routing = options.Value.Routing ?? new RoutingOptions();
        var rootIntents = MergeIntents(null, routing.Intents);
        _default = Build(catalog, routing, null, routing.Mode, routing.Strategy, routing.RetiredModels, rootIntents, null);

        var orgs = new Dictionary<string, RoutingPolicy>(StringComparer.OrdinalIgnoreCase);
        foreach (var (orgId, org) in routing.Orgs ?? new Dictionary<string, OrgRoutingOptions>())
        {
            if (org is null)
            {
                continue;
            }

            orgs[orgId] = Build(
                catalog,
                routing,
                orgId,
                org.Mode ?? routing.Mode,
                org.Strategy ?? routing.Strategy,
                org.RetiredModels ?? routing.RetiredModels,
                MergeIntents(rootIntents, org.Intents),
                org.AllowedModels);
        }

        _orgs = orgs.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

        var fallbacks = new Dictionary<ModelDescriptor, ModelDescriptor[]>(ReferenceEqualityComparer.Instance);
        foreach (var (name, chain) in routing.Fallbacks ?? new Dictionary<string, IList<string>>())
        {
            if (catalog.TryResolve(name, out var model))
            {
                fallbacks[model] = Resolve(catalog, chain).Where(m => !ReferenceEquals(m, model)).ToArray();
            }
        }

        _fallbacks = fallbacks.ToFrozenDictionary(ReferenceEqualityComparer.Instance);
    }

    /// <summary>Gets the gateway-wide policy.</summary>
    public RoutingPolicy Default => _default;

    /// <summary>Gets the policy of an organization: its overrides over the defaults, or the defaults when it has none.</summary>
    public RoutingPolicy For(string? orgId) =>
        orgId is not null && _orgs.TryGetValue(orgId, out var policy) ? policy : _default;

    /// <summary>Gets the configured fallback chain of a model (<c>ThreadSync:Routing:Fallbacks</c>), best first; empty when none.</summary>
    public IReadOnlyList<ModelDescriptor> FallbacksFor(ModelDescriptor model) =>
        _fallbacks.TryGetValue(model, out var chain) ? chain : [];

    private static Dictionary<RequestIntent, IList<string>> MergeIntents(Dictionary<RequestIntent, IList<string>>? inherited, IDictionary<string, IList<string>>? overrides)
    {
        var merged = inherited is null ? [] : new Dictionary<RequestIntent, IList<string>>(inherited);
        foreach (var (name, models) in overrides ?? new Dictionary<string, IList<string>>())
        {
            if (RequestIntents.TryParse(name, out var intent))
            {
                merged[intent] = models ?? [];
            }
        }

        return merged;
    }

    private static RoutingPolicy Build(
        IModelCatalog catalog,
        RoutingOptions routing,
        string? orgId,
        RoutingMode mode,
        RoutingStrategy strategy,
        RetiredModelHandling retired,
        Dictionary<RequestIntent, IList<string>> intents,
        IList<string>? allowedModels)
    {
        FrozenSet<ModelDescriptor>? allowed = allowedModels is null
            ? null
            : Resolve(catalog, allowedModels).ToFrozenSet<ModelDescriptor>(ReferenceEqualityComparer.Instance);

        IEnumerable<ModelDescriptor> Preferences(RequestIntent intent) =>
            Resolve(catalog, intents.TryGetValue(intent, out var configured) ? configured : DefaultIntentModels.For(intent))
                .Where(m => m.Lifecycle.Status != ModelLifecycleStatus.Retired && (allowed is null || allowed.Contains(m)));

        var candidates = new RouteCandidate[RequestIntents.Count][];
        candidates[(int)RequestIntent.None] = [];
        foreach (var intent in RequestIntents.All)
        {
            var seen = new HashSet<ModelDescriptor>(ReferenceEqualityComparer.Instance);
            var list = new List<RouteCandidate>();
            void AddTier(IEnumerable<ModelDescriptor> models, int tier)
            {
                foreach (var model in models)
                {
                    if (seen.Add(model))
                    {
                        list.Add(new RouteCandidate(model, tier));
                    }
                }
            }

            AddTier(Preferences(intent), RouteCandidate.IntentTier);
            AddTier(Preferences(RequestIntent.General), RouteCandidate.GeneralTier);
            AddTier(catalog.Models.Where(m => m.Lifecycle.Status == ModelLifecycleStatus.Active && (allowed is null || allowed.Contains(m))), RouteCandidate.CatalogTier);
            candidates[(int)intent] = [.. list];
        }

        var shortlistSeen = new HashSet<ModelDescriptor>(ReferenceEqualityComparer.Instance);
        var shortlist = RequestIntents.All
            .SelectMany(Preferences)
            .Where(shortlistSeen.Add)
            .Select(m => new RouteCandidate(m, RouteCandidate.IntentTier))
            .ToArray();

        ModelDescriptor? routerModel = routing.RouterModel is { Length: > 0 } name && catalog.TryResolve(name, out var router) ? router : null;
        return new RoutingPolicy(
            orgId,
            mode,
            strategy,
            retired,
            routerModel,
            routing.RouterTimeout,
            routing.LongContextTokens > 0 ? routing.LongContextTokens : RoutingOptions.DefaultLongContextTokens,
            candidates,
            shortlist,
            allowed);
    }

    private static IEnumerable<ModelDescriptor> Resolve(IModelCatalog catalog, IEnumerable<string>? names)
    {
        var seen = new HashSet<ModelDescriptor>(ReferenceEqualityComparer.Instance);
        foreach (var name in names ?? [])
        {
            if (!string.IsNullOrWhiteSpace(name) && catalog.TryResolve(name, out var model) && seen.Add(model))
            {
                yield return model;
            }
        }
    }
}
