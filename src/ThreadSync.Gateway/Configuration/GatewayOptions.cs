namespace ThreadSync.Gateway;

/// <summary>
/// Root settings of the ThreadSync Gateway, bound from the <c>ThreadSync</c> configuration section.
/// </summary>
/// <remarks>Validated at start-up: a malformed value fails start-up with a message naming the setting.</remarks>
public sealed class GatewayOptions
{
    /// <summary>The configuration section the gateway binds from.</summary>
    public const string SectionName = "ThreadSync";

    /// <summary>Gets or sets the upstream provider settings.</summary>
    public ProvidersOptions Providers { get; set; } = new();

    /// <summary>Gets or sets the client authentication settings.</summary>
    public GatewayAuthOptions Auth { get; set; } = new();

    /// <summary>Gets or sets the model used when a request names none (<c>ThreadSync:DefaultModel</c>).</summary>
    /// <value>A model id or alias from the catalog, or <see langword="null"/> to require a model on every request.</value>
    public string? DefaultModel { get; set; }

    /// <summary>Gets or sets the automatic routing settings (<c>ThreadSync:Routing</c>).</summary>
    public RoutingOptions Routing { get; set; } = new();
}
