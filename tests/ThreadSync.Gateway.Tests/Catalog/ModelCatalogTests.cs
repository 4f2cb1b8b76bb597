using ThreadSync.Gateway.Catalog.Internal;

namespace ThreadSync.Gateway.Tests.Catalog;

/// <summary>The embedded catalog's data, checked against docs/providers.md §7.</summary>
public sealed class ModelCatalogTests
{
    private static readonly ModelCatalog Catalog = ModelCatalog.LoadEmbedded();
    private static readonly DateOnly Today = new(2026, 11, 24);

    [Fact]
    public void Embedded_HasAtLeastFortyModelsOverAllFiveProviders()
    {
        Assert.True(Catalog.Models.Count >= 40, $"only {Catalog.Models.Count} models");
        Assert.Equal(Enum.GetValues<GatewayProvider>().Order(), Catalog.Models.Select(m => m.Provider).Distinct().Order());
        Assert.Equal(1, Catalog.Version);
    }

    [Theory]
    [InlineData("claude-opus-4-6", GatewayProvider.Anthropic)]
    [InlineData("claude-sonnet-4-6", GatewayProvider.Anthropic)]
    [InlineData("claude-haiku-4-5", GatewayProvider.Anthropic)]
    [InlineData("gpt-5.4", GatewayProvider.OpenAI)]
    [InlineData("gpt-4o", GatewayProvider.OpenAI)]
    [InlineData("o3", GatewayProvider.OpenAI)]
    [InlineData("o3-mini", GatewayProvider.OpenAI)]
    [InlineData("gemini-2.5-pro", GatewayProvider.Gemini)]
    [InlineData("gemini-2.5-flash", GatewayProvider.Gemini)]
    [InlineData("gemini-2.0-flash", GatewayProvider.Gemini)]
    [InlineData("grok-4", GatewayProvider.XAI)]
    [InlineData("grok-4.1-fast", GatewayProvider.XAI)]
    [InlineData("grok-3", GatewayProvider.XAI)]
    [InlineData("sonar", GatewayProvider.Perplexity)]
    [InlineData("sonar-pro", GatewayProvider.Perplexity)]
    [InlineData("sonar-reasoning-pro", GatewayProvider.Perplexity)]
    public void TryResolve_ProductModels_ResolveToTheirProvider(string name, GatewayProvider provider)
    {
        Assert.True(Catalog.TryResolve(name, out var model));
        Assert.Equal(provider, model.Provider);
        Assert.True(model.Pricing.InputPerMillion > 0 && model.Pricing.OutputPerMillion > 0, "priced");
        Assert.True(model.ContextWindow > 0 && model.MaxOutputTokens > 0, "limits known");
    }

    [Theory]
    [InlineData("claude-opus", "claude-opus-5")]
    [InlineData("claude-sonnet", "claude-sonnet-5")]
    [InlineData("claude-haiku", "claude-haiku-4-5")]
    [InlineData("gpt", "gpt-5.5")]
    [InlineData("gemini-pro", "gemini-3.1-pro-preview")]
    [InlineData("gemini-flash", "gemini-3.8-flash")]
    [InlineData("gemini-flash-lite", "gemini-3.5-flash-lite")]
    [InlineData("grok", "grok-4.3")]
    [InlineData("sonar", "sonar")]
    public void TryResolve_FamilyAliases_ResolveToTheCurrentModelOfTheFamily(string alias, string id)
    {
        Assert.True(Catalog.TryResolve(alias, out var model));
        Assert.Equal(id, model.Id);
        Assert.Equal(ModelLifecycleStatus.Active, model.Lifecycle.StatusOn(Today));
    }

    [Fact]
    public void TryResolve_IsCaseInsensitive_AndUnknownNamesFail()
    {
        Assert.True(Catalog.TryResolve("GPT-4O", out var gpt));
        Assert.Equal("gpt-4o", gpt.Id);
        Assert.True(Catalog.TryResolve("Claude-Haiku-4-5-20251001", out var haiku));
        Assert.Equal("claude-haiku-4-5", haiku.Id);
        Assert.False(Catalog.TryResolve("no-such-model", out _));
    }

    [Theory]
    [InlineData("o3-mini", "gpt-5.4-mini")]
    [InlineData("gemini-2.0-flash", "gemini-3.5-flash-lite")]
    [InlineData("grok-4", "grok-4.3")]
    [InlineData("grok-3", "grok-4.3")]
    [InlineData("grok-4-1-fast-reasoning", "grok-4.3")]
    [InlineData("grok-4-1-fast-non-reasoning", "grok-4.3")]
    [InlineData("claude-opus-4-0", "claude-opus-4-8")]
    [InlineData("claude-opus-4-1", "claude-opus-4-8")]
    [InlineData("claude-sonnet-4-0", "claude-sonnet-4-6")]
    public void RetiredModels_AreRetiredToday_AndNameTheirReplacement(string id, string replacement)
    {
        Assert.True(Catalog.TryResolve(id, out var model));
        Assert.Equal(ModelLifecycleStatus.Retired, model.Lifecycle.StatusOn(Today));
        Assert.Equal(replacement, model.Lifecycle.Replacement);
        Assert.True(Catalog.TryResolve(replacement, out var successor));
        Assert.NotEqual(ModelLifecycleStatus.Retired, successor.Lifecycle.StatusOn(Today));
    }

    [Fact]
    public void EveryRetiredOrDeprecatedModel_WithAReplacement_PointsAtALiveModel()
    {
        var replaced = Catalog.Models.Where(m => m.Lifecycle.Replacement is not null).ToList();
        Assert.True(replaced.Count >= 15, $"only {replaced.Count}");
        Assert.All(replaced, m =>
        {
            Assert.True(Catalog.TryResolve(m.Lifecycle.Replacement!, out var successor), $"{m.Id} -> {m.Lifecycle.Replacement}");
            Assert.Equal(m.Provider, successor.Provider);
        });
        Assert.All(Catalog.Models.Where(m => m.Lifecycle.StatusOn(Today) == ModelLifecycleStatus.Retired), m => Assert.NotNull(m.Lifecycle.Replacement));
    }

    [Fact]
    public void Pricing_FollowsProvidersSection7()
    {
        var gpt54 = Price("gpt-5.4");
        Assert.Equal(new LongContextPricing { AboveInputTokens = 272_000, InputPerMillion = 5.00m, OutputPerMillion = 22.50m, CacheReadPerMillion = 0.50m }, gpt54.LongContext);
        var gemini25Pro = Price("gemini-2.5-pro");
        Assert.Equal(new LongContextPricing { AboveInputTokens = 200_000, InputPerMillion = 2.50m, OutputPerMillion = 15.00m, CacheReadPerMillion = 0.25m }, gemini25Pro.LongContext);
        Assert.Equal(new LongContextPricing { AboveInputTokens = 128_000, InputPerMillion = 6.00m, OutputPerMillion = 30.00m }, Price("grok-4").LongContext);
        Assert.Equal(new SearchContextFees { Low = 0.005m, Medium = 0.008m, High = 0.012m }, Price("sonar").SearchContextFees);
        Assert.Equal(new SearchContextFees { Low = 0.006m, Medium = 0.010m, High = 0.014m }, Price("sonar-pro").SearchContextFees);
        Assert.Equal(0m, Price("sonar-pro").PerRequest);

        var flash = Price("gemini-3.8-flash");
        Assert.Equal(0.75m, flash.On(new DateOnly(2026, 12, 31)).InputPerMillion);
        Assert.Equal(1.50m, flash.On(new DateOnly(2027, 1, 1)).InputPerMillion);
        Assert.Equal(7.50m, flash.On(new DateOnly(2027, 1, 1)).OutputPerMillion);

        var sonnet = Price("claude-sonnet-4-6");
        Assert.Equal((3.00m, 15.00m, 0.30m, 3.75m), (sonnet.InputPerMillion, sonnet.OutputPerMillion, sonnet.CacheReadPerMillion, sonnet.CacheWritePerMillion));
        Assert.All(Catalog.Models, m => Assert.True(m.Pricing.InputPerMillion > 0 && m.Pricing.OutputPerMillion > 0, m.Id));
    }

    [Fact]
    public void Parse_InvalidEntries_ReportsEveryProblem()
    {
        using var json = new MemoryStream("""{"models":[{"id":"a","provider":"acme"},{"id":"b","provider":"openai","capabilities":["telepathy"]}]}"""u8.ToArray());

        var error = Assert.Throws<InvalidDataException>(() => ModelCatalog.Parse(json, "test"));

        Assert.Contains("model 'a' (test): unknown provider 'acme'", error.Message, StringComparison.Ordinal);
        Assert.Contains("model 'b' (test): unknown capability 'telepathy'", error.Message, StringComparison.Ordinal);
    }

    private static ModelPricing Price(string id)
    {
        Assert.True(Catalog.TryResolve(id, out var model), id);
        return model.Pricing;
    }
}
