namespace ThreadSync.Gateway.Catalog.Internal;

/// <summary>Lifecycle facts as written in a catalog file.</summary>
internal sealed class CatalogLifecycle
{
    public string? Status { get; set; }

    public DateOnly? DeprecatedOn { get; set; }

    public DateOnly? RetiresOn { get; set; }

    public string? Replacement { get; set; }
}
