using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ThreadSync.Gateway.Tests.Configuration;

public sealed class GatewayOptionsValidationTests
{
    private static GatewayOptions Resolve(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddThreadSyncGateway(configuration.GetSection("ThreadSync"));
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<GatewayOptions>>().Value;
    }

    [Fact]
    public void Bind_ReadsProviderSettingsFromConfigurationKeys()
    {
        var options = Resolve(new()
        {
            ["ThreadSync:Providers:OpenAI:ApiKey"] = "sk-1",
            ["ThreadSync:Providers:OpenAI:BaseUrl"] = "http://127.0.0.1:9999/v1",
            ["ThreadSync:Providers:XAI:Timeout"] = "00:00:30",
            ["ThreadSync:Auth:BootstrapKeys:0"] = "client-key",
            ["ThreadSync:DefaultModel"] = "gpt-4o",
        });

        Assert.Equal("sk-1", options.Providers.OpenAI.ApiKey);
        Assert.Equal("http://127.0.0.1:9999/v1", options.Providers.OpenAI.BaseUrl);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Providers.XAI.Timeout);
        Assert.Equal(["client-key"], options.Auth.BootstrapKeys);
        Assert.True(options.Providers.OpenAI.IsConfigured);
        Assert.False(options.Providers.Anthropic.IsConfigured);
    }

    [Theory]
    [InlineData("ThreadSync:Providers:OpenAI:BaseUrl", "not a url", "ThreadSync:Providers:OpenAI:BaseUrl")]
    [InlineData("ThreadSync:Providers:Perplexity:BaseUrl", "ftp://example.org", "ThreadSync:Providers:Perplexity:BaseUrl")]
    [InlineData("ThreadSync:Providers:XAI:Timeout", "-00:00:01", "ThreadSync:Providers:XAI:Timeout")]
    [InlineData("ThreadSync:Auth:BootstrapKeys:0", " padded ", "ThreadSync:Auth:BootstrapKeys:0")]
    [InlineData("ThreadSync:Auth:BootstrapOrg", "Not An Id", "ThreadSync:Auth:BootstrapOrg")]
    [InlineData("ThreadSync:Auth:BootstrapTier", "platinum", "ThreadSync:Auth:BootstrapTier")]
    [InlineData("ThreadSync:Governance:DefaultTier", "platinum", "ThreadSync:Governance:DefaultTier")]
    [InlineData("ThreadSync:Governance:Tiers:gold:RequestsPerHour", "0", "ThreadSync:Governance:Tiers:gold")]
    [InlineData("ThreadSync:Governance:DefaultMaxOutputTokens", "0", "ThreadSync:Governance:DefaultMaxOutputTokens")]
    [InlineData("ThreadSync:Storage:Provider", "Postgres", "ThreadSync:Storage:ConnectionString")]
    [InlineData("ThreadSync:DefaultModel", "no-such-model", "ThreadSync:DefaultModel")]
    [InlineData("ThreadSync:Catalog:Path", " ", "ThreadSync:Catalog:Path")]
    public void Validate_MalformedSetting_FailsNamingTheSetting(string key, string value, string named)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new() { [key] = value }));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_BadCatalogSetting_FailsNamingTheSetting()
    {
        var error = Assert.Throws<InvalidDataException>(() => Resolve(new() { ["ThreadSync:Catalog:Models:acme-1:Provider"] = "acme" }));
        Assert.Contains("model 'acme-1' (configuration ThreadSync:Catalog:Models:acme-1): unknown provider 'acme'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_WrongType_FailsNamingTheSetting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Resolve(new() { ["ThreadSync:Providers:OpenAI:Timeout"] = "soon" }));
        Assert.Contains("ThreadSync:Providers:OpenAI:Timeout", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddThreadSyncGateway_RegistersGovernedChatClientKeyedAndDefault_Once()
    {
        var services = new ServiceCollection();
        services.AddThreadSyncGateway();
        services.AddThreadSyncGateway();
        using var provider = services.BuildServiceProvider(validateScopes: true);

        var keyed = provider.GetRequiredKeyedService<IChatClient>(ThreadSyncGatewayServiceKeys.ChatClient);
        Assert.Same(keyed, provider.GetRequiredService<IChatClient>());
        Assert.Equal("threadsync", keyed.GetService<ChatClientMetadata>()!.ProviderName);
        Assert.Single(services, d => d.ServiceType == typeof(IChatClient) && !d.IsKeyedService);
    }

    [Fact]
    public void AddThreadSyncGateway_KeepsTheApplicationsOwnDefaultChatClient()
    {
        var services = new ServiceCollection();
        var own = NSubstitute.Substitute.For<IChatClient>();
        services.AddSingleton(own);
        services.AddThreadSyncGateway();
        using var provider = services.BuildServiceProvider();

        Assert.Same(own, provider.GetRequiredService<IChatClient>());
        Assert.NotSame(own, provider.GetRequiredKeyedService<IChatClient>(ThreadSyncGatewayServiceKeys.ChatClient));
    }
}
