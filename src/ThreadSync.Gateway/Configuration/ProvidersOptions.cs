namespace ThreadSync.Gateway;

/// <summary>Per-provider settings, bound from <c>ThreadSync:Providers</c>.</summary>
public sealed class ProvidersOptions
{
    /// <summary>Gets or sets the OpenAI settings (<c>ThreadSync:Providers:OpenAI</c>).</summary>
    public ProviderOptions OpenAI { get; set; } = new();

    /// <summary>Gets or sets the Anthropic settings (<c>ThreadSync:Providers:Anthropic</c>).</summary>
    public ProviderOptions Anthropic { get; set; } = new();

    /// <summary>Gets or sets the Google Gemini settings (<c>ThreadSync:Providers:Gemini</c>).</summary>
    public ProviderOptions Gemini { get; set; } = new();

    /// <summary>Gets or sets the xAI settings (<c>ThreadSync:Providers:XAI</c>).</summary>
    public ProviderOptions XAI { get; set; } = new();

    /// <summary>Gets or sets the Perplexity settings (<c>ThreadSync:Providers:Perplexity</c>).</summary>
    public ProviderOptions Perplexity { get; set; } = new();

    /// <summary>Gets the settings for a provider.</summary>
    /// <param name="provider">The provider.</param>
    /// <returns>The provider's settings.</returns>
    public ProviderOptions Get(GatewayProvider provider) => provider switch
    {
        GatewayProvider.OpenAI => OpenAI,
        GatewayProvider.Anthropic => Anthropic,
        GatewayProvider.Gemini => Gemini,
        GatewayProvider.XAI => XAI,
        GatewayProvider.Perplexity => Perplexity,
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
    };
}
