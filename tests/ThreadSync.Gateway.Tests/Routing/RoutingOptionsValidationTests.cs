using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ThreadSync.Gateway.Routing.Internal;

namespace ThreadSync.Gateway.Tests.Routing;

public sealed class RoutingOptionsValidationTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddThreadSyncGateway(configuration.GetSection("ThreadSync"));
        return services.BuildServiceProvider();
    }

    private static RoutingOptions Resolve(Dictionary<string, string?> settings)
    {
        using var provider = Build(settings);
        return provider.GetRequiredService<IOptions<GatewayOptions>>().Value.Routing;
    }

    [Fact]
    public void Bind_ReadsEveryRoutingSetting()
    {
        var routing = Resolve(new()
        {
            ["ThreadSync:Routing:Mode"] = "LlmRouter",
            ["ThreadSync:Routing:Strategy"] = "Cost",
            ["ThreadSync:Routing:RouterModel"] = "claude-haiku-4-5",
            ["ThreadSync:Routing:RouterTimeout"] = "00:00:01.500",
            ["ThreadSync:Routing:LongContextTokens"] = "150000",
            ["ThreadSync:Routing:Intents:code:0"] = "gpt-5.4",
            ["ThreadSync:Routing:Intents:code:1"] = "claude-sonnet-4-6",
            ["ThreadSync:Routing:Fallbacks:gpt-5.4:0"] = "claude-sonnet-4-6",
            ["ThreadSync:Routing:RetiredModels"] = "Refuse",
            ["ThreadSync:Routing:Orgs:acme:Strategy"] = "Latency",
            ["ThreadSync:Routing:Orgs:acme:AllowedModels:0"] = "gpt-5.4-mini",
        });

        Assert.Equal(RoutingMode.LlmRouter, routing.Mode);
        Assert.Equal(RoutingStrategy.Cost, routing.Strategy);
        Assert.Equal("claude-haiku-4-5", routing.RouterModel);
        Assert.Equal(TimeSpan.FromMilliseconds(1_500), routing.RouterTimeout);
        Assert.Equal(150_000, routing.LongContextTokens);
        Assert.Equal(["gpt-5.4", "claude-sonnet-4-6"], routing.Intents["code"]);
        Assert.Equal(["claude-sonnet-4-6"], routing.Fallbacks["gpt-5.4"]);
        Assert.Equal(RetiredModelHandling.Refuse, routing.RetiredModels);
        Assert.Equal(RoutingStrategy.Latency, routing.Orgs["acme"].Strategy);
        Assert.Null(routing.Orgs["acme"].Mode);
        Assert.Equal(["gpt-5.4-mini"], routing.Orgs["acme"].AllowedModels);
    }

    [Fact]
    public void Defaults_AreHeuristicBalancedRemapTwoSeconds()
    {
        var routing = Resolve([]);

        Assert.Equal(RoutingMode.Heuristic, routing.Mode);
        Assert.Equal(RoutingStrategy.Balanced, routing.Strategy);
        Assert.Equal(RetiredModelHandling.Remap, routing.RetiredModels);
        Assert.Equal(TimeSpan.FromSeconds(2), routing.RouterTimeout);
        Assert.Equal(100_000, routing.LongContextTokens);
        Assert.Null(routing.RouterModel);
    }

    [Theory]
    [InlineData("ThreadSync:Routing:Intents:code:0", "no-such-model", "ThreadSync:Routing:Intents:code:0")]
    [InlineData("ThreadSync:Routing:Intents:code:0", "claude-opus-4-1", "ThreadSync:Routing:Intents:code:0")]
    [InlineData("ThreadSync:Routing:Intents:poetry:0", "gpt-5.4", "ThreadSync:Routing:Intents:poetry")]
    [InlineData("ThreadSync:Routing:Fallbacks:gpt-5.4:0", "no-such-model", "ThreadSync:Routing:Fallbacks:gpt-5.4:0")]
    [InlineData("ThreadSync:Routing:Fallbacks:no-such-model:0", "gpt-5.4", "ThreadSync:Routing:Fallbacks:no-such-model")]
    [InlineData("ThreadSync:Routing:RouterModel", "no-such-model", "ThreadSync:Routing:RouterModel")]
    [InlineData("ThreadSync:Routing:Mode", "LlmRouter", "ThreadSync:Routing:RouterModel")]
    [InlineData("ThreadSync:Routing:Orgs:acme:Mode", "LlmRouter", "ThreadSync:Routing:RouterModel")]
    [InlineData("ThreadSync:Routing:RouterTimeout", "00:05:00", "ThreadSync:Routing:RouterTimeout")]
    [InlineData("ThreadSync:Routing:RouterTimeout", "00:00:00", "ThreadSync:Routing:RouterTimeout")]
    [InlineData("ThreadSync:Routing:LongContextTokens", "0", "ThreadSync:Routing:LongContextTokens")]
    [InlineData("ThreadSync:Routing:Orgs:acme:Intents:fast:0", "no-such-model", "ThreadSync:Routing:Orgs:acme:Intents:fast:0")]
    [InlineData("ThreadSync:Routing:Orgs:acme:AllowedModels:0", "no-such-model", "ThreadSync:Routing:Orgs:acme:AllowedModels:0")]
    public void Validate_BadSetting_FailsStartUpNamingTheSetting(string key, string value, string named)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new() { [key] = value }));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_CollectsEveryProblem()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new()
        {
            ["ThreadSync:Routing:Intents:code:0"] = "nope-1",
            ["ThreadSync:Routing:Fallbacks:gpt-5.4:0"] = "nope-2",
        }));

        Assert.Contains("nope-1", error.Message, StringComparison.Ordinal);
        Assert.Contains("nope-2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_UnknownEnumValue_FailsNamingTheSetting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Resolve(new() { ["ThreadSync:Routing:Strategy"] = "Cheapest" }));

        Assert.Contains("ThreadSync:Routing:Strategy", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddThreadSyncGateway_RegistersTheRouter_WithConfiguredPolicies()
    {
        using var provider = Build(new()
        {
            ["ThreadSync:Providers:OpenAI:ApiKey"] = "sk-test",
            ["ThreadSync:Routing:Orgs:acme:Strategy"] = "Cost",
        });

        // The planner of the current catalog snapshot: the same instance until the catalog reloads.
        var planner = provider.GetRequiredService<CurrentRoutePlanner>().Planner;

        Assert.Same(planner, provider.GetRequiredService<CurrentRoutePlanner>().Planner);
        Assert.Equal(RoutingStrategy.Cost, planner.PolicyFor("acme").Strategy);
        Assert.Equal("gpt-5.4", planner.DecidePinned("GPT-5.4").Model.Id);

        // Only OpenAI is configured: auto routing of a code request lands on an OpenAI model.
        var decision = planner.DecideHeuristic([new(Microsoft.Extensions.AI.ChatRole.User, "Fix this regex: ^a+$")], null, planner.PolicyFor(null));
        Assert.Equal(GatewayProvider.OpenAI, decision.Model.Provider);
        var error = Assert.Throws<GatewayException>(() => planner.DecidePinned("claude-sonnet-4-6"));
        Assert.Equal(GatewayErrorCodes.ProviderNotConfigured, error.Code);
    }
}
