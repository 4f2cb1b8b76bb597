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

    /// <summary>Gets or sets the model catalog settings (<c>ThreadSync:Catalog</c>): a user catalog file and per-model overrides.</summary>
    public CatalogOptions Catalog { get; set; } = new();

    /// <summary>Gets or sets the model used when a request names none (<c>ThreadSync:DefaultModel</c>).</summary>
    /// <value>A model id or alias from the catalog, or <see langword="null"/> to require a model on every request.</value>
    public string? DefaultModel { get; set; }

    /// <summary>Gets or sets how the gateway retries and falls back when a provider fails (<c>ThreadSync:Resilience</c>).</summary>
    public ResilienceOptions Resilience { get; set; } = new();

    /// <summary>Gets or sets the automatic routing settings (<c>ThreadSync:Routing</c>).</summary>
    public RoutingOptions Routing { get; set; } = new();

    /// <summary>Gets or sets where durable state lives (<c>ThreadSync:Storage</c>).</summary>
    public StorageOptions Storage { get; set; } = new();

    /// <summary>Gets or sets key tiers, rotation and reservation settings (<c>ThreadSync:Governance</c>).</summary>
    public GovernanceOptions Governance { get; set; } = new();

    /// <summary>Gets or sets the audit chain settings (<c>ThreadSync:Audit</c>).</summary>
    public AuditOptions Audit { get; set; } = new();

    /// <summary>Gets or sets how requests with an <c>Idempotency-Key</c> are held and replayed (<c>ThreadSync:Idempotency</c>).</summary>
    public IdempotencyOptions Idempotency { get; set; } = new();

    /// <summary>Gets or sets server-side conversation memory (<c>ThreadSync:Conversations</c>).</summary>
    public ConversationOptions Conversations { get; set; } = new();
}
