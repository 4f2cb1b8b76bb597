using System.Text.Json.Serialization;

namespace ThreadSync.Gateway;

/// <summary>Lifecycle facts as written in a catalog file (<c>lifecycle</c>).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class CatalogLifecycleOptions
{
    /// <summary>Gets or sets the status: <c>active</c>, <c>deprecated</c> or <c>retired</c> (<c>status</c>).</summary>
    public string? Status { get; set; }

    /// <summary>Gets or sets the day the provider deprecated the model (<c>deprecated_on</c>, <c>yyyy-MM-dd</c>).</summary>
    public DateOnly? DeprecatedOn { get; set; }

    /// <summary>Gets or sets the day the provider shuts (or shut) the model down (<c>retires_on</c>, <c>yyyy-MM-dd</c>).</summary>
    public DateOnly? RetiresOn { get; set; }

    /// <summary>Gets or sets the id of the model the provider recommends instead (<c>replacement</c>); it must be in the catalog.</summary>
    public string? Replacement { get; set; }
}
