namespace ThreadSync.Gateway;

/// <summary>
/// Automatic routing settings, bound from <c>ThreadSync:Routing</c>: how a request with <c>auto_route</c> gets its
/// model, which models each intent prefers, and the fallback chains of named models.
/// </summary>
/// <remarks>
/// Validated at start-up: every model id must be in the catalog, and every intent name known. Read once at
/// start-up; a change needs a restart. See <c>docs/routing.md</c>.
/// </remarks>
public sealed class RoutingOptions
{
    /// <summary>The default of <see cref="RouterTimeout"/>.</summary>
    public static readonly TimeSpan DefaultRouterTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The default of <see cref="LongContextTokens"/>.</summary>
    public const int DefaultLongContextTokens = 100_000;

    /// <summary>Gets or sets how auto-routed requests choose their model (<c>ThreadSync:Routing:Mode</c>).</summary>
    /// <value><see cref="RoutingMode.Heuristic"/> by default.</value>
    public RoutingMode Mode { get; set; } = RoutingMode.Heuristic;

    /// <summary>Gets or sets how the models that fit a request are ranked (<c>ThreadSync:Routing:Strategy</c>).</summary>
    /// <value><see cref="RoutingStrategy.Balanced"/> by default.</value>
    public RoutingStrategy Strategy { get; set; } = RoutingStrategy.Balanced;

    /// <summary>Gets or sets the model that chooses in <see cref="RoutingMode.LlmRouter"/> mode (<c>ThreadSync:Routing:RouterModel</c>).</summary>
    /// <value>A catalog id or alias; required when any mode (default or per org) is <see cref="RoutingMode.LlmRouter"/>. A small, fast, non-reasoning model such as <c>claude-haiku-4-5</c> suits.</value>
    public string? RouterModel { get; set; }

    /// <summary>Gets or sets how long the router model may take before the heuristic choice is used (<c>ThreadSync:Routing:RouterTimeout</c>).</summary>
    /// <value>Two seconds by default; between 1 ms and 1 minute.</value>
    public TimeSpan RouterTimeout { get; set; } = DefaultRouterTimeout;

    /// <summary>Gets or sets the estimated input size from which a request counts as long context (<c>ThreadSync:Routing:LongContextTokens</c>).</summary>
    /// <value>100,000 tokens by default (estimated as characters / 4).</value>
    public int LongContextTokens { get; set; } = DefaultLongContextTokens;

    /// <summary>
    /// Gets or sets the preferred models of each intent, best first, replacing the built-in list of that intent
    /// (<c>ThreadSync:Routing:Intents:&lt;intent&gt;:0</c>, ...). Intents are named in <see cref="RoutingIntents"/>.
    /// </summary>
    public IDictionary<string, IList<string>> Intents { get; set; } = new Dictionary<string, IList<string>>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Gets or sets the fallback chain of a model, best first (<c>ThreadSync:Routing:Fallbacks:&lt;model&gt;:0</c>, ...): the models
    /// that serve a request for it when it is unavailable or fails.
    /// </summary>
    public IDictionary<string, IList<string>> Fallbacks { get; set; } = new Dictionary<string, IList<string>>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets what happens to requests naming a retired model (<c>ThreadSync:Routing:RetiredModels</c>).</summary>
    /// <value><see cref="RetiredModelHandling.Remap"/> by default.</value>
    public RetiredModelHandling RetiredModels { get; set; } = RetiredModelHandling.Remap;

    /// <summary>Gets or sets per-organization overrides, keyed by organization id (<c>ThreadSync:Routing:Orgs:&lt;org&gt;</c>).</summary>
    public IDictionary<string, OrgRoutingOptions> Orgs { get; set; } = new Dictionary<string, OrgRoutingOptions>(StringComparer.OrdinalIgnoreCase);
}
