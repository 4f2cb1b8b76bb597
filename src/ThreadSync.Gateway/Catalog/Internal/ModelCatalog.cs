using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using ThreadSync.Gateway.Serialization;

namespace ThreadSync.Gateway.Catalog.Internal;

/// <summary>An immutable catalog read from catalog JSON, with a frozen id-and-alias index.</summary>
internal sealed class ModelCatalog : IModelCatalog
{
    private const string EmbeddedResourceName = "ThreadSync.Gateway.models.json";

    private readonly FrozenDictionary<string, ModelDescriptor> _byName;

    public ModelCatalog(IReadOnlyList<ModelDescriptor> models)
    {
        Models = models;
        var byName = new Dictionary<string, ModelDescriptor>(StringComparer.OrdinalIgnoreCase);
        foreach (var model in models)
        {
            // Ids win over aliases; the first model to claim an alias keeps it.
            byName[model.Id] = model;
        }

        foreach (var model in models)
        {
            foreach (var alias in model.Aliases)
            {
                byName.TryAdd(alias, model);
            }
        }

        _byName = byName.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyList<ModelDescriptor> Models { get; }

    public static ModelCatalog LoadEmbedded()
    {
        using var stream = typeof(ModelCatalog).Assembly.GetManifestResourceStream(EmbeddedResourceName)
            ?? throw new InvalidOperationException($"The embedded model catalog '{EmbeddedResourceName}' is missing.");
        return Parse(stream, "embedded catalog");
    }

    public static ModelCatalog Parse(Stream utf8Json, string sourceName)
    {
        CatalogFile? file;
        try
        {
            file = JsonSerializer.Deserialize(utf8Json, GatewayJsonContext.Default.CatalogFile);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The model catalog ({sourceName}) is not valid JSON: {ex.Message}", ex);
        }

        var errors = new List<string>();
        var models = new List<ModelDescriptor>();
        foreach (var entry in file?.Models ?? [])
        {
            var model = ToDescriptor(entry, errors);
            if (model is not null)
            {
                models.Add(model);
            }
        }

        if (errors.Count > 0)
        {
            throw new InvalidDataException($"The model catalog ({sourceName}) has errors: {string.Join("; ", errors)}");
        }

        return new ModelCatalog(models);
    }

    public bool TryResolve(string idOrAlias, [NotNullWhen(true)] out ModelDescriptor? model) =>
        _byName.TryGetValue(idOrAlias, out model);

    private static ModelDescriptor? ToDescriptor(CatalogEntry entry, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(entry.Id))
        {
            errors.Add("a model has no id");
            return null;
        }

        if (!GatewayProviderExtensions.TryParseWireId(entry.Provider, out var provider))
        {
            errors.Add($"model '{entry.Id}' has unknown provider '{entry.Provider}'");
            return null;
        }

        var capabilities = ModelCapabilities.None;
        foreach (var name in entry.Capabilities ?? [])
        {
            if (Enum.TryParse<ModelCapabilities>(name, ignoreCase: true, out var flag))
            {
                capabilities |= flag;
            }
            else
            {
                errors.Add($"model '{entry.Id}' has unknown capability '{name}'");
            }
        }

        var status = ModelLifecycleStatus.Active;
        if (entry.Lifecycle?.Status is { } statusName && !Enum.TryParse(statusName, ignoreCase: true, out status))
        {
            errors.Add($"model '{entry.Id}' has unknown lifecycle status '{statusName}'");
        }

        var pricing = entry.Pricing ?? new CatalogPricing();
        return new ModelDescriptor
        {
            Id = entry.Id,
            Provider = provider,
            Aliases = entry.Aliases ?? [],
            ContextWindow = entry.ContextWindow,
            MaxOutputTokens = entry.MaxOutputTokens,
            Capabilities = capabilities,
            Pricing = new ModelPricing
            {
                InputPerMillion = pricing.Input,
                OutputPerMillion = pricing.Output,
                CacheReadPerMillion = pricing.CacheRead,
                CacheWritePerMillion = pricing.CacheWrite,
                PerRequest = pricing.PerRequest,
            },
            Lifecycle = entry.Lifecycle is null
                ? ModelLifecycle.Active
                : new ModelLifecycle
                {
                    Status = status,
                    DeprecatedOn = entry.Lifecycle.DeprecatedOn,
                    RetiresOn = entry.Lifecycle.RetiresOn,
                    Replacement = entry.Lifecycle.Replacement,
                },
        };
    }
}
