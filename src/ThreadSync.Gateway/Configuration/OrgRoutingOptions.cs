namespace ThreadSync.Gateway;

/// <summary>
/// Routing overrides of one organization, bound from <c>ThreadSync:Routing:Orgs:&lt;org&gt;</c>. Every setting left
/// unset inherits the gateway-wide value of <see cref="RoutingOptions"/>.
/// </summary>
public sealed class OrgRoutingOptions
{
    /// <summary>Gets or sets the organization's routing mode.</summary>
    /// <value><see langword="null"/> to inherit <see cref="RoutingOptions.Mode"/>.</value>
    public RoutingMode? Mode { get; set; }

    /// <summary>Gets or sets the organization's ranking strategy.</summary>
    /// <value><see langword="null"/> to inherit <see cref="RoutingOptions.Strategy"/>.</value>
    public RoutingStrategy? Strategy { get; set; }

    /// <summary>Gets or sets preferred models per intent; each listed intent replaces the gateway-wide list of that intent.</summary>
    public IDictionary<string, IList<string>> Intents { get; set; } = new Dictionary<string, IList<string>>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets what happens to the organization's requests naming a retired model.</summary>
    /// <value><see langword="null"/> to inherit <see cref="RoutingOptions.RetiredModels"/>.</value>
    public RetiredModelHandling? RetiredModels { get; set; }

    /// <summary>Gets or sets the only models automatic routing may choose for the organization (ids or aliases).</summary>
    /// <value><see langword="null"/> (the default) for no restriction.</value>
    public IList<string>? AllowedModels { get; set; }
}
