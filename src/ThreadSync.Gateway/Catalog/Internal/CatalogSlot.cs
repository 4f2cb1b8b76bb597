namespace ThreadSync.Gateway.Catalog.Internal;

/// <summary>One model entry while sources are merged, with the last source that touched it (named in errors).</summary>
/// <param name="Entry">The merged entry.</param>
/// <param name="Source">The source, for example <c>catalog file '/etc/models.json'</c>.</param>
internal sealed record CatalogSlot(CatalogModelOptions Entry, string Source);
