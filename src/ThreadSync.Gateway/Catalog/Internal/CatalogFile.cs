using System.Text.Json.Serialization;

namespace ThreadSync.Gateway.Catalog.Internal;

/// <summary>The JSON shape of a catalog file (snake_case); unknown fields are errors, so a typo is not silently ignored.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed class CatalogFile
{
    [JsonPropertyName("$comment")]
    public string? Comment { get; set; }

    public List<CatalogModelOptions> Models { get; set; } = [];
}
