using ThreadSync.Gateway.Catalog.Internal;

namespace ThreadSync.Gateway.Tests.Catalog;

public sealed class ModelCatalogTests
{
    private static readonly ModelCatalog Catalog = ModelCatalog.LoadEmbedded();

    [Fact]
    public void Embedded_HasAtLeastFortyModelsOverAllFiveProviders()
    {
        Assert.True(Catalog.Models.Count >= 40, $"only {Catalog.Models.Count} models");
        Assert.Equal(Enum.GetValues<GatewayProvider>().Order(), Catalog.Models.Select(m => m.Provider).Distinct().Order());
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

    [Fact]
    public void TryResolve_AliasesAndCase_ResolveToCurrentModel()
    {
        Assert.True(Catalog.TryResolve("claude-sonnet", out var sonnet));
        Assert.Equal("claude-sonnet-4-6", sonnet.Id);
        Assert.True(Catalog.TryResolve("GPT-4O", out var gpt));
        Assert.Equal("gpt-4o", gpt.Id);
        Assert.False(Catalog.TryResolve("no-such-model", out _));
    }

    [Fact]
    public void RetiredModels_NameAReplacementInTheCatalog()
    {
        var retired = Catalog.Models.Where(m => m.Lifecycle.Status == ModelLifecycleStatus.Retired).ToList();
        Assert.NotEmpty(retired);
        Assert.All(retired, m => Assert.True(Catalog.TryResolve(m.Lifecycle.Replacement!, out _), $"{m.Id} -> {m.Lifecycle.Replacement}"));
    }

    [Fact]
    public void Parse_InvalidEntries_ReportsEveryProblem()
    {
        using var json = new MemoryStream("""{"models":[{"id":"a","provider":"acme"},{"id":"b","provider":"openai","capabilities":["telepathy"]}]}"""u8.ToArray());

        var error = Assert.Throws<InvalidDataException>(() => ModelCatalog.Parse(json, "test"));

        Assert.Contains("unknown provider 'acme'", error.Message, StringComparison.Ordinal);
        Assert.Contains("unknown capability 'telepathy'", error.Message, StringComparison.Ordinal);
    }
}
