using ThreadSync.Gateway.Catalog.Internal;
using ThreadSync.Gateway.Routing.Internal;

namespace ThreadSync.Gateway.Tests.Routing;

/// <summary>
/// A small catalog with made-up models whose capabilities, windows and prices make each routing rule observable,
/// independent of the embedded catalog's data.
/// </summary>
internal static class RoutingTestCatalog
{
    public static readonly ModelCatalog Catalog = new(
    [
        Model("big-coder", GatewayProvider.Anthropic, ModelCapabilities.Tools | ModelCapabilities.Vision | ModelCapabilities.Reasoning | ModelCapabilities.Json, 200_000, 3m, 15m, aliases: ["coder"]),
        Model("cheap-coder", GatewayProvider.OpenAI, ModelCapabilities.Tools | ModelCapabilities.Json, 400_000, 0.2m, 1.25m),
        Model("text-only", GatewayProvider.XAI, ModelCapabilities.None, 128_000, 0.1m, 0.1m, maxOutput: 8_000),
        Model("searcher", GatewayProvider.Perplexity, ModelCapabilities.Search | ModelCapabilities.Json, 128_000, 1m, 1m, perRequest: 0.005m),
        Model("searcher-pro", GatewayProvider.Perplexity, ModelCapabilities.Search | ModelCapabilities.Json, 200_000, 3m, 15m, perRequest: 0.006m),
        Model("huge", GatewayProvider.Gemini, ModelCapabilities.Tools | ModelCapabilities.Vision | ModelCapabilities.Json, 2_000_000, 1.25m, 2.5m),
        Model("fast-a", GatewayProvider.Anthropic, ModelCapabilities.Tools | ModelCapabilities.Vision | ModelCapabilities.Json, 200_000, 1m, 5m),
        Model("fast-b", GatewayProvider.OpenAI, ModelCapabilities.Tools | ModelCapabilities.Vision | ModelCapabilities.Json, 400_000, 0.75m, 4.5m),
        Model("reasoner", GatewayProvider.OpenAI, ModelCapabilities.Tools | ModelCapabilities.Vision | ModelCapabilities.Reasoning | ModelCapabilities.Json, 400_000, 5m, 30m),
        Model("old-model", GatewayProvider.Anthropic, ModelCapabilities.Tools, 200_000, 15m, 75m, retiredFor: "big-coder"),
    ]);

    /// <summary>Intent preferences over the test models (replacing the built-in lists, which name real models).</summary>
    public static RoutingOptions Options(RoutingStrategy strategy = RoutingStrategy.Balanced) => new()
    {
        Strategy = strategy,
        Intents = new Dictionary<string, IList<string>>
        {
            [RoutingIntents.Code] = ["big-coder", "cheap-coder"],
            [RoutingIntents.Search] = ["searcher-pro", "searcher"],
            [RoutingIntents.Fast] = ["fast-a", "fast-b", "text-only"],
            [RoutingIntents.Reasoning] = ["reasoner", "big-coder"],
            [RoutingIntents.Vision] = ["big-coder", "fast-b"],
            [RoutingIntents.LongContext] = ["huge"],
            [RoutingIntents.General] = ["big-coder", "fast-b"],
        },
    };

    public static RoutePlanner Planner(
        RoutingOptions? routing = null,
        IModelAvailability? availability = null,
        ModelLatencyTracker? latency = null,
        TimeProvider? time = null,
        string? defaultModel = null)
    {
        var options = Microsoft.Extensions.Options.Options.Create(new GatewayOptions { Routing = routing ?? Options(), DefaultModel = defaultModel });
        time ??= new FixedTimeProvider(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
        return new RoutePlanner(
            Catalog,
            new RoutingPolicyResolver(options, Catalog),
            availability ?? new TestAvailability(),
            latency ?? new ModelLatencyTracker(Catalog),
            new LlmRouter(time),
            time,
            options);
    }

    public static ModelDescriptor Get(string id) => Catalog.TryResolve(id, out var model) ? model : throw new ArgumentException(id);

    private static ModelDescriptor Model(
        string id,
        GatewayProvider provider,
        ModelCapabilities capabilities,
        int contextWindow,
        decimal input,
        decimal output,
        decimal perRequest = 0,
        int maxOutput = 64_000,
        string[]? aliases = null,
        string? retiredFor = null) => new()
        {
            Id = id,
            Provider = provider,
            Aliases = aliases ?? [],
            Capabilities = capabilities,
            ContextWindow = contextWindow,
            MaxOutputTokens = maxOutput,
            Pricing = new ModelPricing { InputPerMillion = input, OutputPerMillion = output, PerRequest = perRequest },
            Lifecycle = retiredFor is null ? ModelLifecycle.Active : new ModelLifecycle { Status = ModelLifecycleStatus.Retired, Replacement = retiredFor },
        };
}
