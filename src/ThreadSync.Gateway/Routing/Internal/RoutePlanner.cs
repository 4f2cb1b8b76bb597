using System.Collections.Frozen;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace ThreadSync.Gateway.Routing.Internal;

/// <summary>
/// Decides which catalog model serves a request: the one it names (pinned), the configured default, or, for
/// <c>auto_route</c>, one chosen by heuristics or by a router model. Thread-safe; one instance per gateway.
/// </summary>
/// <remarks>
/// <para><b>Pinned and default</b> decisions are precomputed per catalog model: a decision is a name lookup, an
/// availability check and a cached <see cref="RouteDecision"/>: no allocation, tens of nanoseconds.</para>
/// <para><b>Heuristic</b> decisions analyze the request (<see cref="RequestFeatureAnalyzer"/>), pick an intent and the
/// capabilities a model needs, filter the intent's candidates (capabilities, context window, output limit,
/// allow-list, availability) and rank them by the policy's strategy. A repeated outcome allocates nothing (its ranked
/// array and reason are cached, <see cref="RankedOutcomeCache"/>); a new one allocates its ranked array.</para>
/// <para><b>Errors</b> are <see cref="GatewayException"/>s, as the pipeline reports them: unknown model 404
/// <c>model_not_found</c>; provider not configured 400 <c>provider_not_configured</c>; pinned model temporarily
/// unavailable with no available fallback 503 <c>upstream_unavailable</c>; auto routing with no model able to take
/// the request 400 <c>no_route</c>, or 503 <c>no_route</c> when some could but none is available now.</para>
/// </remarks>
internal sealed class RoutePlanner
{
    /// <summary>The most candidates a decision carries (the choice and its fallback chain).</summary>
    public const int MaxCandidates = 8;

    /// <summary>The most candidates offered to the router model.</summary>
    public const int MaxRouterCandidates = 12;

    private const int StackLimit = 128;

    private readonly IModelCatalog _catalog;
    private readonly RoutingPolicyResolver _policies;
    private readonly IModelAvailability _availability;
    private readonly ModelLatencyTracker _latency;
    private readonly LlmRouter _llmRouter;
    private readonly TimeProvider _timeProvider;
    private readonly RouteReasons _reasons = new();
    private readonly RankedOutcomeCache _outcomes = new();
    private readonly FrozenDictionary<string, PinnedRoute> _byName;
    private readonly PinnedRoute? _default;

    // The current year and until when (Environment.TickCount64) it holds, packed in one long so threads read both at
    // once: (tick << 16) | year. Only for the system clock; see CurrentYear.
    private long _yearUntil;

    public RoutePlanner(
        IModelCatalog catalog,
        RoutingPolicyResolver policies,
        IModelAvailability availability,
        ModelLatencyTracker latency,
        LlmRouter llmRouter,
        TimeProvider timeProvider,
        IOptions<GatewayOptions> options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(availability);
        ArgumentNullException.ThrowIfNull(latency);
        ArgumentNullException.ThrowIfNull(llmRouter);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(options);
        _catalog = catalog;
        _policies = policies;
        _availability = availability;
        _latency = latency;
        _llmRouter = llmRouter;
        _timeProvider = timeProvider;

        var routes = new Dictionary<ModelDescriptor, PinnedRoute>(ReferenceEqualityComparer.Instance);
        var byName = new Dictionary<string, PinnedRoute>(StringComparer.OrdinalIgnoreCase);
        foreach (var model in catalog.Models)
        {
            foreach (var name in model.Aliases.Prepend(model.Id))
            {
                // The catalog decides what a name means (ids win over aliases); the index only caches its answer.
                if (!byName.ContainsKey(name) && catalog.TryResolve(name, out var resolved))
                {
                    if (!routes.TryGetValue(resolved, out var route))
                    {
                        routes[resolved] = route = new PinnedRoute(resolved, policies.FallbacksFor(resolved));
                    }

                    byName[name] = route;
                }
            }
        }

        _byName = byName.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        if (options.Value.DefaultModel is { } defaultName && !string.IsNullOrWhiteSpace(defaultName))
        {
            _default = _byName.TryGetValue(defaultName, out var route) ? route
                : catalog.TryResolve(defaultName, out var model) ? new PinnedRoute(model, policies.FallbacksFor(model))
                : null;
        }
    }

    /// <summary>Gets the routing policy of an organization (its overrides over the defaults); cached, no allocation.</summary>
    /// <param name="orgId">The organization id, or <see langword="null"/> for the gateway-wide policy.</param>
    public RoutingPolicy PolicyFor(string? orgId) => _policies.For(orgId);

    /// <summary>Gets the configured fallback chain of a model (<c>ThreadSync:Routing:Fallbacks</c>), best first; empty when none.</summary>
    public IReadOnlyList<ModelDescriptor> GetFallbacks(ModelDescriptor model) => _policies.FallbacksFor(model);

    /// <summary>Routes a request that names its model (method <see cref="RouteMethod.Pinned"/>, reason <c>pinned</c>).</summary>
    /// <param name="model">The id or alias the caller sent.</param>
    /// <returns>
    /// The decision; <see cref="RouteDecision.Candidates"/> is the model then its configured fallbacks. When the model
    /// is temporarily unavailable, the first available configured fallback, with method <see cref="RouteMethod.Fallback"/>.
    /// </returns>
    /// <exception cref="GatewayException">The model is unknown (404), its provider is not configured (400), or it and its fallbacks are unavailable (503).</exception>
    public RouteDecision DecidePinned(string model)
    {
        if (string.IsNullOrWhiteSpace(model))
        {
            throw MissingModel();
        }

        if (!_byName.TryGetValue(model, out var route))
        {
            route = _catalog.TryResolve(model, out var resolved)
                ? new PinnedRoute(resolved, _policies.FallbacksFor(resolved))
                : throw new GatewayException(404, GatewayErrorCodes.ModelNotFound, $"The model '{Truncate(model)}' does not exist in this gateway's catalog. GET /v1/models lists the models you can use.", param: "model");
        }

        return Check(route, route.Pinned);
    }

    /// <summary>Routes a request that names no model to <c>ThreadSync:DefaultModel</c> (method <see cref="RouteMethod.Pinned"/>, reason <c>default_model</c>).</summary>
    /// <returns>The decision, as <see cref="DecidePinned"/>.</returns>
    /// <exception cref="GatewayException">No default model is configured (400 <c>missing_required_parameter</c>), or as <see cref="DecidePinned"/>.</exception>
    public RouteDecision DecideDefault() =>
        _default is null ? throw MissingModel() : Check(_default, _default.Default);

    /// <summary>Routes an auto-routed request with the heuristics (method <see cref="RouteMethod.Heuristic"/>).</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="options">The request options (tools, response format, <c>max_tokens</c>).</param>
    /// <param name="policy">The caller's routing policy, from <see cref="PolicyFor"/>.</param>
    /// <param name="isAllowed">An extra per-request filter of the models the caller may use, or <see langword="null"/>.</param>
    /// <returns>The decision: the best available model that fits, then up to <see cref="MaxCandidates"/> - 1 fallbacks.</returns>
    /// <exception cref="GatewayException">No model fits (400 <c>no_route</c>), or none that fits is available (503 <c>no_route</c>).</exception>
    public RouteDecision DecideHeuristic(IEnumerable<ChatMessage> messages, ChatOptions? options, RoutingPolicy policy, Func<ModelDescriptor, bool>? isAllowed = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(policy);
        var features = RequestFeatureAnalyzer.Analyze(messages, options, CurrentYear(), policy.LongContextTokens);
        var intent = IntentClassifier.Classify(features);
        var needs = IntentClassifier.Needs(features, intent);
        var outcome = Rank(features, intent, needs, policy, isAllowed);
        return new RouteDecision(outcome.Ranked[0], RouteMethod.Heuristic, outcome.Reason, outcome.Ranked, intent);
    }

    /// <summary>
    /// Routes an auto-routed request by the policy's mode: the heuristics, or the router model choosing among the
    /// heuristic candidates and the other preferred models that fit (method <see cref="RouteMethod.AutoRouter"/>).
    /// When the router times out, fails, names no candidate or is unavailable, the heuristic decision serves, its
    /// reason prefixed <c>llm_router_timeout</c>, <c>llm_router_error</c>, <c>llm_router_unknown_answer</c> or <c>llm_router_unavailable</c>.
    /// </summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="options">The request options.</param>
    /// <param name="policy">The caller's routing policy.</param>
    /// <param name="routerClient">The provider client of <see cref="RoutingPolicy.RouterModel"/>; <see langword="null"/> when it has none.</param>
    /// <param name="isAllowed">An extra per-request filter of the models the caller may use, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">The request's cancellation.</param>
    /// <returns>The decision; <see cref="RouteDecision.RouterUsage"/> holds the router call's usage, to bill.</returns>
    /// <exception cref="GatewayException">As <see cref="DecideHeuristic"/>.</exception>
    public ValueTask<RouteDecision> DecideAutoAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options,
        RoutingPolicy policy,
        IChatClient? routerClient,
        Func<ModelDescriptor, bool>? isAllowed = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.Mode == RoutingMode.LlmRouter
            ? new ValueTask<RouteDecision>(DecideWithRouterAsync(messages, options, policy, routerClient, isAllowed, cancellationToken))
            : new ValueTask<RouteDecision>(DecideHeuristic(messages, options, policy, isAllowed));
    }

    private static GatewayException MissingModel() =>
        new(400, GatewayErrorCodes.MissingParameter, "You must provide a model parameter.", param: "model");

    private static string Truncate(string value) => value.Length <= 100 ? value : value[..100] + "…";

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Fits(ModelDescriptor model, ModelCapabilities needs, long minContext, int requestedOutput) =>
        (model.Capabilities & needs) == needs
        && (model.ContextWindow <= 0 || model.ContextWindow >= minContext)
        && (requestedOutput <= 0 || model.MaxOutputTokens <= 0 || model.MaxOutputTokens >= requestedOutput);

    private static GatewayException NoRoute(bool someFit, ModelCapabilities needs, in RequestFeatures features)
    {
        var size = features.EstimatedInputTokens.ToString("N0", CultureInfo.InvariantCulture);
        return someFit
            ? new GatewayException(503, GatewayErrorCodes.NoRoute, $"No model that can take this request is available right now (needs: {RouteReasons.FormatNeeds(needs)}; about {size} input tokens). Retry later, or name a model.")
            : new GatewayException(400, GatewayErrorCodes.NoRoute, $"No model this gateway may route to can take this request (needs: {RouteReasons.FormatNeeds(needs)}; about {size} input tokens). Name a model, or remove what none can take.", param: "model");
    }

    /// <summary>
    /// The current UTC year, for the recency signal. Reading the wall clock costs ~30 ns on the project's VM (a third of
    /// what ranking costs), so with the system clock the year is kept until the next second or the next new year,
    /// whichever comes first, and checked against the cheaper tick count; a wall-clock change shows within a second.
    /// Other time providers (tests) are asked every time.
    /// </summary>
    private int CurrentYear()
    {
        if (!ReferenceEquals(_timeProvider, TimeProvider.System))
        {
            return _timeProvider.GetUtcNow().Year;
        }

        var cached = Volatile.Read(ref _yearUntil);
        var tick = Environment.TickCount64;
        if (tick < cached >> 16)
        {
            return (int)(cached & ushort.MaxValue);
        }

        var now = _timeProvider.GetUtcNow();
        var untilNewYear = (long)(new DateTimeOffset(now.Year + 1, 1, 1, 0, 0, 0, TimeSpan.Zero) - now).TotalMilliseconds;
        Volatile.Write(ref _yearUntil, ((tick + Math.Min(1_000, untilNewYear)) << 16) | (long)now.Year);
        return now.Year;
    }

    private RouteDecision Check(PinnedRoute route, in RouteDecision decision)
    {
        switch (_availability.GetAvailability(route.Model))
        {
            case ModelAvailability.Available:
                return decision;
            case ModelAvailability.ProviderNotConfigured:
                throw new GatewayException(
                    400,
                    GatewayErrorCodes.ProviderNotConfigured,
                    $"The model '{route.Model.Id}' is served by provider '{route.Model.Provider.ToWireId()}', which is not configured on this gateway.",
                    param: "model");
            default:
                var fallbacks = route.Fallbacks;
                for (var i = 0; i < fallbacks.Length; i++)
                {
                    var fallback = fallbacks[i];
                    if (fallback.Lifecycle.Status != ModelLifecycleStatus.Retired && _availability.GetAvailability(fallback) == ModelAvailability.Available)
                    {
                        var reason = _reasons.Get(RouteReasonPrefix.PinnedUnavailable, RequestIntent.None, ModelCapabilities.None, RoutingStrategy.Balanced, fallback, route.Model);
                        return new RouteDecision(fallback, RouteMethod.Fallback, reason, fallbacks[i..]);
                    }
                }

                throw new GatewayException(503, GatewayErrorCodes.UpstreamUnavailable, $"The model '{route.Model.Id}' is temporarily unavailable, and so is every fallback configured for it. Retry later.");
        }
    }

    // Not zeroed (SkipLocalsInit): Rank writes each slot of its stack arrays before reading it.
    [SkipLocalsInit]
    private RankedOutcomeCache.Entry Rank(in RequestFeatures features, RequestIntent intent, ModelCapabilities needs, RoutingPolicy policy, Func<ModelDescriptor, bool>? isAllowed)
    {
        var pool = policy.CandidatesFor(intent);
        var requested = features.RequestedOutputTokens;
        var output = requested > 0 ? requested : IntentClassifier.ExpectedOutputTokens(intent);
        var minContext = (long)features.EstimatedInputTokens + output;
        var strategy = policy.Strategy;

        Span<int> picked = pool.Length <= StackLimit ? stackalloc int[pool.Length] : new int[pool.Length];
        Span<double> keys = pool.Length <= StackLimit ? stackalloc double[pool.Length] : new double[pool.Length];
        var count = 0;
        var someFit = false;
        for (var i = 0; i < pool.Length; i++)
        {
            // Later tiers rank after earlier ones: once the decision is full, the rest of the pool cannot get in.
            if (count >= MaxCandidates && (strategy == RoutingStrategy.Balanced || pool[i].Tier > pool[picked[count - 1]].Tier))
            {
                break;
            }

            var model = pool[i].Model;
            if (!Fits(model, needs, minContext, requested) || (isAllowed is not null && !isAllowed(model)))
            {
                continue;
            }

            someFit = true;
            if (_availability.GetAvailability(model) != ModelAvailability.Available)
            {
                continue;
            }

            picked[count] = i;
            keys[count] = strategy switch
            {
                RoutingStrategy.Cost => pool[i].EstimateCost(features.EstimatedInputTokens, output),
                RoutingStrategy.Latency => _latency.GetMilliseconds(model) is var ms && double.IsNaN(ms) ? double.PositiveInfinity : ms,
                _ => 0d,
            };
            count++;
        }

        if (count == 0)
        {
            throw NoRoute(someFit, needs, features);
        }

        if (strategy != RoutingStrategy.Balanced)
        {
            // Stable insertion sort by (tier, key): a handful of items, already in preference order.
            for (var i = 1; i < count; i++)
            {
                var index = picked[i];
                var key = keys[i];
                var tier = pool[index].Tier;
                var j = i - 1;
                while (j >= 0 && (pool[picked[j]].Tier > tier || (pool[picked[j]].Tier == tier && keys[j] > key)))
                {
                    picked[j + 1] = picked[j];
                    keys[j + 1] = keys[j];
                    j--;
                }

                picked[j + 1] = index;
                keys[j + 1] = key;
            }
        }

        // A repeated outcome (the same picks from the same pool) reuses its ranked array and reason: no allocation.
        var taken = picked[..Math.Min(count, MaxCandidates)];
        var picks = pool.Length <= RankedOutcomeCache.MaxPoolLength ? RankedOutcomeCache.Pack(taken) : 0UL;
        if (picks != 0 && _outcomes.Find(pool, picks, intent, needs, strategy) is { } cached)
        {
            return cached;
        }

        var ranked = new ModelDescriptor[taken.Length];
        for (var i = 0; i < ranked.Length; i++)
        {
            ranked[i] = pool[taken[i]].Model;
        }

        var outcome = new RankedOutcomeCache.Entry(pool, picks, intent, needs, strategy, ranked, _reasons.Get(RouteReasonPrefix.None, intent, needs, strategy, ranked[0]));
        if (picks != 0)
        {
            _outcomes.Add(outcome);
        }

        return outcome;
    }

    private async Task<RouteDecision> DecideWithRouterAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options,
        RoutingPolicy policy,
        IChatClient? routerClient,
        Func<ModelDescriptor, bool>? isAllowed,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var features = RequestFeatureAnalyzer.Analyze(messages, options, CurrentYear(), policy.LongContextTokens);
        var intent = IntentClassifier.Classify(features);
        var needs = IntentClassifier.Needs(features, intent);
        var ranked = Rank(features, intent, needs, policy, isAllowed).Ranked;
        var router = policy.RouterModel;
        if (router is null || routerClient is null || _availability.GetAvailability(router) != ModelAvailability.Available)
        {
            return Heuristic(RouteReasonPrefix.LlmRouterUnavailable, null);
        }

        var result = await _llmRouter.ChooseAsync(routerClient, router, Shortlist(features, intent, needs, policy, isAllowed, ranked), messages, policy.RouterTimeout, cancellationToken)
            .ConfigureAwait(false);
        if (result.Model is { } chosen)
        {
            var candidates = ranked.Where(m => !ReferenceEquals(m, chosen)).Prepend(chosen).Take(MaxCandidates).ToArray();
            var reason = _reasons.Get(RouteReasonPrefix.RouterChose, intent, needs, policy.Strategy, chosen, router);
            return new RouteDecision(chosen, RouteMethod.AutoRouter, reason, candidates, intent, router, result.Usage);
        }

        var prefix = result.Outcome switch
        {
            LlmRouterOutcome.Timeout => RouteReasonPrefix.LlmRouterTimeout,
            LlmRouterOutcome.Error => RouteReasonPrefix.LlmRouterError,
            _ => RouteReasonPrefix.LlmRouterUnknownAnswer,
        };
        return Heuristic(prefix, result.Usage);

        RouteDecision Heuristic(RouteReasonPrefix prefix, UsageDetails? usage) =>
            new(ranked[0], RouteMethod.Heuristic, _reasons.Get(prefix, intent, needs, policy.Strategy, ranked[0]), ranked, intent, router, usage);
    }

    private List<ModelDescriptor> Shortlist(in RequestFeatures features, RequestIntent intent, ModelCapabilities needs, RoutingPolicy policy, Func<ModelDescriptor, bool>? isAllowed, ModelDescriptor[] ranked)
    {
        var requested = features.RequestedOutputTokens;
        var minContext = (long)features.EstimatedInputTokens + (requested > 0 ? requested : IntentClassifier.ExpectedOutputTokens(intent));
        var shortlist = new List<ModelDescriptor>(MaxRouterCandidates);
        shortlist.AddRange(ranked);
        foreach (var candidate in policy.Shortlist)
        {
            if (shortlist.Count >= MaxRouterCandidates)
            {
                break;
            }

            var model = candidate.Model;
            if (!shortlist.Contains(model)
                && Fits(model, needs & ~ModelCapabilities.Search, minContext, requested)
                && (isAllowed is null || isAllowed(model))
                && _availability.GetAvailability(model) == ModelAvailability.Available)
            {
                shortlist.Add(model);
            }
        }

        return shortlist;
    }

    /// <summary>The precomputed decisions of one catalog model.</summary>
    private sealed class PinnedRoute
    {
        public PinnedRoute(ModelDescriptor model, IReadOnlyList<ModelDescriptor> fallbacks)
        {
            Model = model;
            Fallbacks = [.. fallbacks];
            ModelDescriptor[] candidates = [model, .. fallbacks];
            Pinned = new RouteDecision(model, RouteMethod.Pinned, RouteReasons.Pinned, candidates);
            Default = new RouteDecision(model, RouteMethod.Pinned, RouteReasons.Default, candidates);
        }

        public ModelDescriptor Model { get; }

        public ModelDescriptor[] Fallbacks { get; }

        public RouteDecision Pinned { get; }

        public RouteDecision Default { get; }
    }
}
