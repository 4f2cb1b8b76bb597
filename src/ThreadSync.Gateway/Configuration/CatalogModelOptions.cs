using System.Text.Json.Serialization;

namespace ThreadSync.Gateway;

/// <summary>
/// One model as written in a catalog file (snake_case JSON) or under <c>ThreadSync:Catalog:Models:&lt;id&gt;</c>.
/// Every field is optional in an override: only the fields present replace the base model's.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class CatalogModelOptions
{
    /// <summary>Gets or sets the model id sent to the provider (<c>id</c>). In configuration the key is the id.</summary>
    public string? Id { get; set; }

    /// <summary>Gets or sets the provider: <c>openai</c>, <c>anthropic</c>, <c>gemini</c>, <c>xai</c> or <c>perplexity</c> (<c>provider</c>). Required for a new model.</summary>
    public string? Provider { get; set; }

    /// <summary>Gets or sets other names that resolve to the model (<c>aliases</c>); replaces the base list.</summary>
    public IList<string>? Aliases { get; set; }

    /// <summary>Gets or sets the context window in tokens (<c>context_window</c>).</summary>
    public int? ContextWindow { get; set; }

    /// <summary>Gets or sets the largest output of one response in tokens (<c>max_output_tokens</c>).</summary>
    public int? MaxOutputTokens { get; set; }

    /// <summary>Gets or sets the capabilities: <c>tools</c>, <c>vision</c>, <c>reasoning</c>, <c>search</c>, <c>json</c> (<c>capabilities</c>); replaces the base list.</summary>
    public IList<string>? Capabilities { get; set; }

    /// <summary>Gets or sets the list prices (<c>pricing</c>), merged field by field over the base model's.</summary>
    public CatalogPricingOptions? Pricing { get; set; }

    /// <summary>Gets or sets the lifecycle facts (<c>lifecycle</c>), merged field by field over the base model's.</summary>
    public CatalogLifecycleOptions? Lifecycle { get; set; }

    /// <summary>Gets or sets a value indicating whether to drop the model from the catalog (<c>remove</c>).</summary>
    public bool? Remove { get; set; }

    /// <summary>Gets or sets a free-text note, for example the source of the prices (<c>$comment</c>); ignored.</summary>
    [JsonPropertyName("$comment")]
    public string? Comment { get; set; }
}
