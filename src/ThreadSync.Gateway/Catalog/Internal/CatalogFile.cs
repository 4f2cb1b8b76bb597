namespace ThreadSync.Gateway.Catalog.Internal;

/// <summary>The JSON shape of a catalog file (snake_case).</summary>
internal sealed class CatalogFile
{
    public List<CatalogEntry> Models { get; set; } = [];
}
