using System.Text.Json;
using ThreadSync.Gateway.Serialization;

namespace ThreadSync.Gateway.Catalog.Internal;

/// <summary>
/// Builds a catalog snapshot from its sources, in order: the embedded <c>models.json</c>, the user catalog file
/// (<c>ThreadSync:Catalog:Path</c>), then <c>ThreadSync:Catalog:Models</c>. Pure apart from reading the file.
/// </summary>
internal static class CatalogLoader
{
    public const string EmbeddedSource = "embedded catalog";

    private const string EmbeddedResourceName = "ThreadSync.Gateway.models.json";

    // Parsed once: merging never mutates entries, so every load shares them.
    private static readonly Lazy<IReadOnlyList<CatalogModelOptions>> Embedded = new(ReadEmbedded);

    /// <summary>Builds a snapshot.</summary>
    /// <exception cref="InvalidDataException">A source cannot be read or parsed, or the merged catalog is invalid; the message names each source and problem.</exception>
    public static ModelCatalog Load(CatalogOptions? settings, long version, DateTimeOffset loadedAt)
    {
        var errors = new List<string>();
        var merger = new CatalogMerger();
        merger.Apply(Embedded.Value, EmbeddedSource, errors);

        if (settings?.Path is { } path && !string.IsNullOrWhiteSpace(path))
        {
            var fullPath = Path.GetFullPath(path);
            merger.Apply(ReadFile(fullPath), FileSource(fullPath), errors);
        }

        if (settings?.Models is { Count: > 0 } overrides)
        {
            foreach (var (id, entry) in overrides.OrderBy(static pair => pair.Key, StringComparer.OrdinalIgnoreCase))
            {
                if (entry is null)
                {
                    continue;
                }

                var source = $"configuration {GatewayOptions.SectionName}:Catalog:Models:{id}";
                if (entry.Id is { } entryId && !string.Equals(entryId, id, StringComparison.OrdinalIgnoreCase))
                {
                    errors.Add($"{source}: Id '{entryId}' differs from the key; the key is the model id");
                    continue;
                }

                merger.Apply(id, entry, source);
            }
        }

        var models = CatalogBuilder.Build(merger.Slots, errors);
        ThrowIfErrors(errors);
        return new ModelCatalog(models, version, loadedAt);
    }

    public static string FileSource(string fullPath) => $"catalog file '{fullPath}'";

    /// <summary>A canonical text of the settings, to tell a change of <c>ThreadSync:Catalog</c> from a change elsewhere.</summary>
    public static string Fingerprint(CatalogOptions? settings) =>
        settings is null ? string.Empty : JsonSerializer.Serialize(settings, GatewayJsonContext.Default.CatalogOptions);

    public static IReadOnlyList<CatalogModelOptions> ReadEntries(Stream utf8Json, string source)
    {
        try
        {
            var file = JsonSerializer.Deserialize(utf8Json, GatewayJsonContext.Default.CatalogFile);
            return file?.Models ?? [];
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The model catalog could not be loaded: {source} is not a valid catalog: {ex.Message}", ex);
        }
    }

    public static void ThrowIfErrors(List<string> errors)
    {
        if (errors.Count > 0)
        {
            throw new InvalidDataException($"The model catalog could not be loaded: {string.Join("; ", errors)}");
        }
    }

    private static IReadOnlyList<CatalogModelOptions> ReadFile(string fullPath)
    {
        try
        {
            using var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return ReadEntries(stream, FileSource(fullPath));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"The model catalog could not be loaded: {FileSource(fullPath)} cannot be read: {ex.Message}", ex);
        }
    }

    private static IReadOnlyList<CatalogModelOptions> ReadEmbedded()
    {
        using var stream = typeof(CatalogLoader).Assembly.GetManifestResourceStream(EmbeddedResourceName)
            ?? throw new InvalidOperationException($"The embedded model catalog '{EmbeddedResourceName}' is missing.");
        return ReadEntries(stream, EmbeddedSource);
    }
}
