using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using ThreadSync.Gateway.Providers.Anthropic;
using ThreadSync.Gateway.Providers.Gemini;
using ThreadSync.Gateway.Providers.OpenAICompatible;

namespace ThreadSync.Gateway.Providers.Internal;

/// <summary>Hands out one <see cref="IChatClient"/> per provider: a registered one, else the built-in adapter when configured.</summary>
internal sealed class ProviderClientRegistry : IDisposable
{
    private readonly IServiceProvider _services;
    private readonly GatewayOptions _options;
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly IModelCatalog _catalog;
    private readonly TimeProvider _timeProvider;
    private readonly Dictionary<GatewayProvider, ProviderClientRegistration> _registrations;
    private readonly ConcurrentDictionary<GatewayProvider, IChatClient> _clients = new();

    public ProviderClientRegistry(
        IServiceProvider services,
        IOptions<GatewayOptions> options,
        IHttpClientFactory httpClientFactory,
        IModelCatalog catalog,
        TimeProvider timeProvider,
        IEnumerable<ProviderClientRegistration> registrations)
    {
        _services = services;
        _options = options.Value;
        _httpClientFactory = httpClientFactory;
        _catalog = catalog;
        _timeProvider = timeProvider;
        _registrations = [];
        foreach (var registration in registrations)
        {
            // The last registration for a provider wins, as with any DI override.
            _registrations[registration.Provider] = registration;
        }
    }

    /// <summary>The name of the <see cref="IHttpClientFactory"/> client used for a provider.</summary>
    public static string HttpClientName(GatewayProvider provider) => "ThreadSync.Provider." + provider.ToConfigName();

    /// <summary>Gets a value indicating whether the provider can take traffic on this gateway.</summary>
    public bool IsAvailable(GatewayProvider provider) =>
        _registrations.ContainsKey(provider) || (HasBuiltInAdapter(provider) && _options.Providers.Get(provider).IsConfigured);

    public bool TryGet(GatewayProvider provider, [NotNullWhen(true)] out IChatClient? client)
    {
        if (!IsAvailable(provider))
        {
            client = null;
            return false;
        }

        client = _clients.GetOrAdd(provider, static (p, self) => self.Create(p), this);
        return true;
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }
    }

    private static bool HasBuiltInAdapter(GatewayProvider provider) => Enum.IsDefined(provider);

    private IChatClient Create(GatewayProvider provider)
    {
        if (_registrations.TryGetValue(provider, out var registration))
        {
            return registration.Factory(_services);
        }

        var settings = _options.Providers.Get(provider);
        var transport = new ProviderTransport(provider, _httpClientFactory, HttpClientName(provider), _timeProvider, settings.Timeout);
        return provider switch
        {
            GatewayProvider.Anthropic => new AnthropicChatClient(settings.ApiKey!, settings.BaseUrl, transport, _catalog),
            GatewayProvider.Gemini => new GeminiChatClient(settings.ApiKey!, settings.BaseUrl, transport),
            GatewayProvider.OpenAI => new OpenAICompatibleChatClient(OpenAICompatibleDialect.OpenAI, settings.ApiKey!, settings.BaseUrl, transport, _catalog),
            GatewayProvider.XAI => new OpenAICompatibleChatClient(OpenAICompatibleDialect.XAI, settings.ApiKey!, settings.BaseUrl, transport, _catalog),
            GatewayProvider.Perplexity => new OpenAICompatibleChatClient(OpenAICompatibleDialect.Perplexity, settings.ApiKey!, settings.BaseUrl, transport, _catalog),
            _ => throw new InvalidOperationException($"Provider '{provider.ToWireId()}' has no built-in adapter."),
        };
    }
}
