namespace ThreadSync.Gateway;

/// <summary>
/// Model catalog settings, bound from <c>ThreadSync:Catalog</c>. The embedded catalog is the base; a user catalog
/// file (<see cref="Path"/>) is merged over it, then the per-model settings in <see cref="Models"/>.
/// </summary>
/// <remarks>
/// Merging is by model id (case-insensitive): fields present in an override replace the base's, lists (aliases,
/// capabilities, price changes) are replaced whole, a new id adds a model, and <c>remove: true</c> drops one. The
/// catalog is rebuilt when the file or this configuration changes; a catalog that fails to load at start-up fails
/// start-up, and one that fails on reload keeps the previous catalog (with a logged warning).
/// See <c>docs/catalog.md</c> for the file format.
/// </remarks>
public sealed class CatalogOptions
{
    /// <summary>Gets or sets the path of a user catalog file (<c>ThreadSync:Catalog:Path</c>), in the embedded catalog's JSON format.</summary>
    /// <value>An absolute path, or one relative to the process's current directory; <see langword="null"/> for none.</value>
    public string? Path { get; set; }

    /// <summary>
    /// Gets or sets per-model overrides keyed by model id (<c>ThreadSync:Catalog:Models:&lt;id&gt;:…</c>, for example
    /// <c>ThreadSync:Catalog:Models:gpt-4o:Pricing:Input</c>), applied after the file.
    /// </summary>
    public IDictionary<string, CatalogModelOptions> Models { get; set; } = new Dictionary<string, CatalogModelOptions>(StringComparer.OrdinalIgnoreCase);
}
