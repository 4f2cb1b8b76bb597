namespace ThreadSync.Gateway;

/// <summary>Names of <see cref="GatewayProvider"/> values as they appear on the wire and in configuration.</summary>
public static class GatewayProviderExtensions
{
    /// <summary>Gets the provider id used in responses: <c>openai</c>, <c>anthropic</c>, <c>gemini</c>, <c>xai</c> or <c>perplexity</c>.</summary>
    /// <param name="provider">The provider.</param>
    /// <returns>The lower-case wire id.</returns>
    public static string ToWireId(this GatewayProvider provider) => provider switch
    {
        GatewayProvider.OpenAI => "openai",
        GatewayProvider.Anthropic => "anthropic",
        GatewayProvider.Gemini => "gemini",
        GatewayProvider.XAI => "xai",
        GatewayProvider.Perplexity => "perplexity",
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
    };

    /// <summary>Gets the configuration name, as in <c>ThreadSync:Providers:&lt;Name&gt;</c>.</summary>
    /// <param name="provider">The provider.</param>
    /// <returns>The configuration section name.</returns>
    public static string ToConfigName(this GatewayProvider provider) => provider.ToString();

    /// <summary>Parses a wire id (case-insensitive) into a provider.</summary>
    /// <param name="wireId">The id, for example <c>openai</c>.</param>
    /// <param name="provider">The provider when the id is known.</param>
    /// <returns><see langword="true"/> when the id names a provider.</returns>
    public static bool TryParseWireId(string? wireId, out GatewayProvider provider)
    {
        foreach (var candidate in Enum.GetValues<GatewayProvider>())
        {
            if (string.Equals(candidate.ToWireId(), wireId, StringComparison.OrdinalIgnoreCase))
            {
                provider = candidate;
                return true;
            }
        }

        provider = default;
        return false;
    }
}
