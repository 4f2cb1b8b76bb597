using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using ThreadSync.Gateway.Storage;
using ThreadSync.Testing.FakeUpstreams;

namespace ThreadSync.Gateway.Tests.TestSupport;

/// <summary>The real gateway (DI, adapters, HTTP) pointed at one fake provider upstream on loopback.</summary>
internal sealed class GatewayUnderTest : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private GatewayUnderTest(FakeProviderServer upstream, ServiceProvider services)
    {
        Upstream = upstream;
        _services = services;
        Chat = services.GetRequiredService<IChatClient>();
        Stores = services.GetRequiredService<GatewayStores>();
    }

    public FakeProviderServer Upstream { get; }

    public IChatClient Chat { get; }

    /// <summary>Gets the stores: a private in-memory SQLite database unless the test configures storage.</summary>
    public GatewayStores Stores { get; }

    public static async Task<GatewayUnderTest> StartAsync(FakeProviderKind kind, Action<GatewayOptions>? configure = null, FakeProviderOptions? fakeOptions = null)
    {
        var upstream = await FakeProviderServer.StartAsync(kind, fakeOptions);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddThreadSyncGateway(options =>
        {
            var provider = options.Providers.Get(ToProvider(kind));
            provider.ApiKey = upstream.ApiKey;
            provider.BaseUrl = upstream.BaseUrl.ToString();

            // Every call is audited: into a database of this gateway's own, not a file in the working directory.
            options.Storage.ConnectionString = "Data Source=:memory:";

            // Adapter tests check what one upstream answer becomes; retries and breakers have their own tests.
            options.Resilience.MaxAttempts = 1;
            options.Resilience.CircuitBreaker.Enabled = false;
            configure?.Invoke(options);
        });
        return new GatewayUnderTest(upstream, services.BuildServiceProvider(validateScopes: true));
    }

    public static GatewayProvider ToProvider(FakeProviderKind kind) => kind switch
    {
        FakeProviderKind.OpenAI => GatewayProvider.OpenAI,
        FakeProviderKind.XAI => GatewayProvider.XAI,
        FakeProviderKind.Perplexity => GatewayProvider.Perplexity,
        FakeProviderKind.Anthropic => GatewayProvider.Anthropic,
        FakeProviderKind.Gemini => GatewayProvider.Gemini,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public async Task<List<ChatResponseUpdate>> StreamAsync(IEnumerable<ChatMessage> messages, ChatOptions options)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in Chat.GetStreamingResponseAsync(messages, options, TestContext.Current.CancellationToken))
        {
            updates.Add(update);
        }

        return updates;
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await Upstream.DisposeAsync();
    }
}
