using ThreadSync.Gateway.Catalog.Internal;

namespace ThreadSync.Gateway.Tests.Catalog;

/// <summary>Merging the user catalog file and <c>ThreadSync:Catalog:Models</c> over the embedded catalog, and validation.</summary>
public sealed class CatalogLoaderTests : IDisposable
{
    private static readonly int EmbeddedCount = ModelCatalog.LoadEmbedded().Models.Count;
    private readonly string _directory = Directory.CreateTempSubdirectory("threadsync-catalog-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Load_WithoutSettings_IsTheEmbeddedCatalog()
    {
        var loadedAt = new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);

        var catalog = CatalogLoader.Load(new CatalogOptions(), version: 7, loadedAt);

        Assert.Equal(EmbeddedCount, catalog.Models.Count);
        Assert.Equal(7, catalog.Version);
        Assert.Equal(loadedAt, catalog.LoadedAt);
    }

    [Fact]
    public void Load_File_OverridesPresentFieldsOnly_AddsNewIds_AndRemovesModels()
    {
        var path = Write("""
            {
              "models": [
                { "id": "GPT-4O", "pricing": { "input": 2.40 }, "lifecycle": { "retires_on": "2027-02-01" } },
                { "id": "acme-large", "provider": "openai", "aliases": ["acme"], "context_window": 64000, "max_output_tokens": 4000,
                  "capabilities": ["tools", "json"], "pricing": { "input": 1, "output": 2, "per_request": 0.01 } },
                { "id": "grok-3", "remove": true },
                { "id": "never-existed", "remove": true }
              ]
            }
            """);

        var catalog = CatalogLoader.Load(new CatalogOptions { Path = path }, 1, default);

        Assert.True(catalog.TryResolve("gpt-4o", out var gpt));
        Assert.Equal(2.40m, gpt.Pricing.InputPerMillion);
        Assert.Equal(10.00m, gpt.Pricing.OutputPerMillion);
        Assert.Equal(1.25m, gpt.Pricing.CacheReadPerMillion);
        Assert.Equal(new DateOnly(2027, 2, 1), gpt.Lifecycle.RetiresOn);
        Assert.Equal(ModelLifecycleStatus.Deprecated, gpt.Lifecycle.Status);
        Assert.Equal("gpt-5.4", gpt.Lifecycle.Replacement);
        Assert.Equal(["gpt-4o-2024-08-06", "gpt-4o-2024-11-20"], gpt.Aliases);
        Assert.Equal(128_000, gpt.ContextWindow);

        Assert.True(catalog.TryResolve("acme", out var acme));
        Assert.Equal("acme-large", acme.Id);
        Assert.Equal(GatewayProvider.OpenAI, acme.Provider);
        Assert.Equal(ModelCapabilities.Tools | ModelCapabilities.Json, acme.Capabilities);
        Assert.Equal(0.01m, acme.Pricing.PerRequest);
        Assert.Same(acme, catalog.Models[^1]);

        Assert.False(catalog.TryResolve("grok-3", out _));
        Assert.Equal(EmbeddedCount, catalog.Models.Count);
    }

    [Fact]
    public void Load_ConfigurationModels_ApplyAfterTheFile()
    {
        var path = Write("""{ "models": [ { "id": "gpt-4o", "pricing": { "input": 2.40, "output": 9.00 } } ] }""");
        var settings = new CatalogOptions
        {
            Path = path,
            Models =
            {
                ["gpt-4o"] = new CatalogModelOptions { Pricing = new CatalogPricingOptions { Input = 2.2m } },
                ["my-sonar"] = new CatalogModelOptions
                {
                    Provider = "perplexity",
                    Pricing = new CatalogPricingOptions { Input = 1, Output = 1, SearchContextFees = new CatalogSearchContextFeesOptions { Low = 0.001m, Medium = 0.002m, High = 0.003m } },
                },
                ["sonar-pro"] = new CatalogModelOptions { Pricing = new CatalogPricingOptions { SearchContextFees = new CatalogSearchContextFeesOptions { High = 0.02m } } },
                ["o3"] = new CatalogModelOptions { Remove = true },
            },
        };

        var catalog = CatalogLoader.Load(settings, 1, default);

        Assert.True(catalog.TryResolve("gpt-4o", out var gpt));
        Assert.Equal((2.2m, 9.00m), (gpt.Pricing.InputPerMillion, gpt.Pricing.OutputPerMillion));
        Assert.True(catalog.TryResolve("my-sonar", out var mine));
        Assert.Equal(0.002m, mine.Pricing.SearchContextFees!.Medium);
        Assert.True(catalog.TryResolve("sonar-pro", out var pro));
        Assert.Equal(new SearchContextFees { Low = 0.006m, Medium = 0.010m, High = 0.02m }, pro.Pricing.SearchContextFees);
        Assert.False(catalog.TryResolve("o3", out _));
    }

    [Fact]
    public void Load_FamilyAliasMovedByOverride_ResolvesToTheNewModel()
    {
        var settings = new CatalogOptions
        {
            Models =
            {
                ["claude-sonnet-5"] = new CatalogModelOptions { Aliases = [] },
                ["claude-sonnet-5-5"] = new CatalogModelOptions { Provider = "anthropic", Aliases = ["claude-sonnet"], Pricing = new CatalogPricingOptions { Input = 2, Output = 10 } },
            },
        };

        var catalog = CatalogLoader.Load(settings, 1, default);

        Assert.True(catalog.TryResolve("claude-sonnet", out var sonnet));
        Assert.Equal("claude-sonnet-5-5", sonnet.Id);
    }

    [Fact]
    public void Load_PriceChanges_AreCumulative_AndApplyFromTheirDate()
    {
        var settings = new CatalogOptions
        {
            Models =
            {
                ["gpt-5.4"] = new CatalogModelOptions
                {
                    Pricing = new CatalogPricingOptions
                    {
                        PriceChanges =
                        [
                            new CatalogPriceChangeOptions { EffectiveFrom = new DateOnly(2027, 6, 1), Pricing = new CatalogPricingOptions { Output = 12m } },
                            new CatalogPriceChangeOptions { EffectiveFrom = new DateOnly(2027, 3, 1), Pricing = new CatalogPricingOptions { Input = 2m } },
                        ],
                    },
                },
            },
        };

        var pricing = Resolve(CatalogLoader.Load(settings, 1, default), "gpt-5.4").Pricing;

        Assert.Equal([new DateOnly(2027, 3, 1), new DateOnly(2027, 6, 1)], pricing.PriceChanges.Select(c => c.EffectiveFrom));
        Assert.Same(pricing, pricing.On(new DateOnly(2027, 2, 28)));
        Assert.Equal((2m, 15.00m, 0.25m), Rates(pricing.On(new DateOnly(2027, 3, 1))));
        Assert.Equal((2m, 12m, 0.25m), Rates(pricing.On(new DateOnly(2027, 6, 1))));
        Assert.Equal(272_000, pricing.On(new DateOnly(2027, 6, 1)).LongContext!.AboveInputTokens);
    }

    [Fact]
    public void Load_MissingFile_FailsNamingTheFile()
    {
        var path = Path.Combine(_directory, "missing.json");

        var error = Assert.Throws<InvalidDataException>(() => CatalogLoader.Load(new CatalogOptions { Path = path }, 1, default));

        Assert.Contains($"catalog file '{path}' cannot be read", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_InvalidJson_FailsNamingTheFileAndThePosition()
    {
        var path = Write("""{ "models": [ { "id": "x", """);

        var error = Assert.Throws<InvalidDataException>(() => CatalogLoader.Load(new CatalogOptions { Path = path }, 1, default));

        Assert.Contains($"catalog file '{path}' is not a valid catalog", error.Message, StringComparison.Ordinal);
        Assert.Contains("LineNumber: 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownField_IsAnError_NotSilentlyIgnored()
    {
        var path = Write("""{ "models": [ { "id": "gpt-4o", "pricing": { "inptu": 2 } } ] }""");

        var error = Assert.Throws<InvalidDataException>(() => CatalogLoader.Load(new CatalogOptions { Path = path }, 1, default));

        Assert.Contains("inptu", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_InvalidEntries_ReportEveryProblemWithItsModelAndSource()
    {
        var path = Write("""
            {
              "models": [
                { "id": "a", "provider": "acme" },
                { "id": "b", "provider": "openai", "capabilities": ["telepathy", "2"] },
                { "id": "c", "provider": "openai", "lifecycle": { "status": "sunset" } },
                { "id": "d", "provider": "openai", "pricing": { "input": -1, "output": 1, "long_context": { "above_input_tokens": 0, "output": -2 } } },
                { "id": "e", "provider": "openai", "pricing": { "search_context_fees": { "low": 0.01 } } },
                { "id": "f", "provider": "openai", "aliases": ["gpt"] },
                { "id": "g", "provider": "openai", "aliases": ["gpt-4o"] },
                { "id": "h", "provider": "openai", "lifecycle": { "replacement": "nowhere" } },
                { "id": "i", "provider": "openai", "lifecycle": { "replacement": "j" } },
                { "id": "j", "provider": "openai", "lifecycle": { "replacement": "i" } },
                { "id": "k", "provider": "openai", "lifecycle": { "replacement": "k" } },
                { "id": "l" },
                { "id": "m", "provider": "openai", "lifecycle": { "deprecated_on": "2027-01-02", "retires_on": "2027-01-01" } },
                { "id": "n", "provider": "openai", "pricing": { "price_changes": [ { "effective_from": "2027-01-01", "pricing": { "price_changes": [ { "effective_from": "2028-01-01", "pricing": {} } ] } } ] } },
                { "id": "o", "provider": "openai", "pricing": { "price_changes": [ { "pricing": { "input": 1 } } ] } },
                { "id": "p", "provider": "openai", "context_window": -5 },
                { "id": "a", "provider": "openai" },
                { "provider": "openai" }
              ]
            }
            """);
        var source = $"catalog file '{path}'";

        var error = Assert.Throws<InvalidDataException>(() => CatalogLoader.Load(new CatalogOptions { Path = path }, 1, default)).Message;

        Assert.Contains($"model 'a' ({source}): unknown provider 'acme'", error, StringComparison.Ordinal);
        Assert.Contains($"model 'b' ({source}): unknown capability 'telepathy'", error, StringComparison.Ordinal);
        Assert.Contains($"model 'b' ({source}): unknown capability '2'", error, StringComparison.Ordinal);
        Assert.Contains($"model 'c' ({source}): unknown lifecycle status 'sunset'", error, StringComparison.Ordinal);
        Assert.Contains($"model 'd' ({source}): pricing.input cannot be negative (-1)", error, StringComparison.Ordinal);
        Assert.Contains($"model 'd' ({source}): pricing.long_context.above_input_tokens must be a positive number of tokens", error, StringComparison.Ordinal);
        Assert.Contains($"model 'd' ({source}): pricing.long_context.output cannot be negative (-2)", error, StringComparison.Ordinal);
        Assert.Contains($"model 'e' ({source}): pricing.search_context_fees needs low, medium and high", error, StringComparison.Ordinal);
        Assert.Contains($"model 'f' ({source}): alias 'gpt' is already an alias of model 'gpt-5.5' ({CatalogLoader.EmbeddedSource})", error, StringComparison.Ordinal);
        Assert.Contains($"model 'g' ({source}): alias 'gpt-4o' is the id of model 'gpt-4o' ({CatalogLoader.EmbeddedSource})", error, StringComparison.Ordinal);
        Assert.Contains($"model 'h' ({source}): replacement 'nowhere' is not in the catalog", error, StringComparison.Ordinal);
        Assert.Contains("models 'i', 'j': replacements form a cycle (i -> j -> i)", error, StringComparison.Ordinal);
        Assert.Contains("models 'k': replacements form a cycle (k -> k)", error, StringComparison.Ordinal);
        Assert.Contains($"model 'l' ({source}): has no provider", error, StringComparison.Ordinal);
        Assert.Contains($"model 'm' ({source}): lifecycle.deprecated_on is after lifecycle.retires_on", error, StringComparison.Ordinal);
        Assert.Contains($"model 'n' ({source}) price change of 2027-01-01: a price change cannot hold price changes of its own", error, StringComparison.Ordinal);
        Assert.Contains($"model 'o' ({source}): every pricing.price_changes entry needs effective_from and pricing", error, StringComparison.Ordinal);
        Assert.Contains($"model 'p' ({source}): context_window and max_output_tokens cannot be negative", error, StringComparison.Ordinal);
        Assert.Contains($"{source}: model id 'a' appears more than once", error, StringComparison.Ordinal);
        Assert.Contains($"{source}: a model has no id", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ConfigurationEntryErrors_NameTheConfigurationKey()
    {
        var settings = new CatalogOptions
        {
            Models =
            {
                ["gpt-4o"] = new CatalogModelOptions { Pricing = new CatalogPricingOptions { Output = -3m } },
                ["new-model"] = new CatalogModelOptions { Id = "other-id", Provider = "openai" },
            },
        };

        var error = Assert.Throws<InvalidDataException>(() => CatalogLoader.Load(settings, 1, default)).Message;

        Assert.Contains("model 'gpt-4o' (configuration ThreadSync:Catalog:Models:gpt-4o): pricing.output cannot be negative (-3)", error, StringComparison.Ordinal);
        Assert.Contains("configuration ThreadSync:Catalog:Models:new-model: Id 'other-id' differs from the key", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RemovingAReplacementTarget_IsReportedOnTheModelsThatPointAtIt()
    {
        var settings = new CatalogOptions { Models = { ["grok-4.3"] = new CatalogModelOptions { Remove = true } } };

        var error = Assert.Throws<InvalidDataException>(() => CatalogLoader.Load(settings, 1, default)).Message;

        Assert.Contains($"model 'grok-4' ({CatalogLoader.EmbeddedSource}): replacement 'grok-4.3' is not in the catalog", error, StringComparison.Ordinal);
    }

    private static ModelDescriptor Resolve(ModelCatalog catalog, string id)
    {
        Assert.True(catalog.TryResolve(id, out var model), id);
        return model;
    }

    private static (decimal Input, decimal Output, decimal? CacheRead) Rates(ModelPricing pricing) =>
        (pricing.InputPerMillion, pricing.OutputPerMillion, pricing.CacheReadPerMillion);

    private string Write(string json)
    {
        var path = Path.Combine(_directory, $"catalog-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }
}
