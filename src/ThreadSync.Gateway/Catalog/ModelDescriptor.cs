namespace ThreadSync.Gateway;

/// <summary>One model in the gateway's catalog: who serves it, what it can do, and what it costs.</summary>
public sealed record ModelDescriptor
{
    /// <summary>Gets the model id sent to the provider, for example <c>gpt-5.4</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the provider that serves the model.</summary>
    public required GatewayProvider Provider { get; init; }

    /// <summary>Gets other names that resolve to this model.</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>Gets the context window in tokens.</summary>
    public int ContextWindow { get; init; }

    /// <summary>Gets the largest output the model produces in one response, in tokens.</summary>
    public int MaxOutputTokens { get; init; }

    /// <summary>Gets what the model can do.</summary>
    public ModelCapabilities Capabilities { get; init; }

    /// <summary>Gets the list prices.</summary>
    public ModelPricing Pricing { get; init; } = ModelPricing.Free;

    /// <summary>Gets the lifecycle facts.</summary>
    public ModelLifecycle Lifecycle { get; init; } = ModelLifecycle.Active;

    /// <summary>Gets a value indicating whether the model has a capability.</summary>
    /// <param name="capability">The capability.</param>
    /// <returns><see langword="true"/> when the model has every flag in <paramref name="capability"/>.</returns>
    public bool Has(ModelCapabilities capability) => (Capabilities & capability) == capability;
}
