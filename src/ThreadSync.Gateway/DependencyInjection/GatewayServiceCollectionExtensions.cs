using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Microsoft.Extensions.Hosting;
using ThreadSync.Gateway.Audit.Internal;
using ThreadSync.Gateway.Auth.Internal;
using ThreadSync.Gateway.Catalog.Internal;
using ThreadSync.Gateway.Configuration.Internal;
using ThreadSync.Gateway.Conversations.Internal;
using ThreadSync.Gateway.DependencyInjection.Internal;
using ThreadSync.Gateway.Governance.Internal;
using ThreadSync.Gateway.Pipeline.Internal;
using ThreadSync.Gateway.Providers.Internal;
using ThreadSync.Gateway.Resilience;
using ThreadSync.Gateway.Routing.Internal;
using ThreadSync.Gateway.Storage.Internal;

namespace ThreadSync.Gateway;

/// <summary>Registers the ThreadSync Gateway in an <see cref="IServiceCollection"/>.</summary>
public static class GatewayServiceCollectionExtensions
{
    /// <summary>
    /// Adds the gateway, configured in code. The governed pipeline is then available as an
    /// <see cref="IChatClient"/> (keyed <see cref="ThreadSyncGatewayServiceKeys.ChatClient"/>, and the default
    /// <see cref="IChatClient"/> unless one is already registered).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>A builder for further gateway configuration.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static IThreadSyncGatewayBuilder AddThreadSyncGateway(this IServiceCollection services, Action<GatewayOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<GatewayOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return AddCore(services, options);
    }

    /// <summary>Adds the gateway, bound to a configuration section (normally <c>ThreadSync</c>).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="section">The <c>ThreadSync</c> configuration section.</param>
    /// <param name="configure">Further configures the options after binding.</param>
    /// <returns>A builder for further gateway configuration.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IThreadSyncGatewayBuilder AddThreadSyncGateway(this IServiceCollection services, IConfiguration section, Action<GatewayOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        var options = services.AddOptions<GatewayOptions>().Bind(section);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return AddCore(services, options);
    }

    /// <summary>Serves a provider with the given <see cref="IChatClient"/> instead of the built-in adapter.</summary>
    /// <param name="builder">The gateway builder.</param>
    /// <param name="provider">The provider to serve.</param>
    /// <param name="factory">Creates the client once, on first use.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IThreadSyncGatewayBuilder AddProviderClient(this IThreadSyncGatewayBuilder builder, GatewayProvider provider, Func<IServiceProvider, IChatClient> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.AddSingleton(new ProviderClientRegistration(provider, factory));
        return builder;
    }

    private static ThreadSyncGatewayBuilder AddCore(IServiceCollection services, OptionsBuilder<GatewayOptions> options)
    {
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GatewayOptions>, DefaultModelValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GatewayOptions>, RoutingOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GatewayOptions>, IdempotencyOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GatewayOptions>, ConversationOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        // The catalog reloads itself when ThreadSync:Catalog or its file changes; resolved early by the default-model validator, so a bad catalog fails start-up.
        services.TryAddSingleton(static sp => ReloadingModelCatalog.Create(sp));
        services.TryAddSingleton<IModelCatalog>(static sp => sp.GetRequiredService<ReloadingModelCatalog>());
        services.TryAddSingleton(static sp =>
        {
            var options = sp.GetRequiredService<IOptions<GatewayOptions>>().Value;
            return GatewayStoresFactory.Create(options.Storage, options.Audit.Durability, sp.GetRequiredService<TimeProvider>());
        });
        services.TryAddSingleton<GatewayStorageInitializer>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, GatewayStorageStartup>());
        services.TryAddSingleton<QuotaEnforcer>();
        services.TryAddSingleton<AuditRecorder>();
        services.TryAddSingleton<ConversationMemory>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ConversationRetentionPurger>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, AuditContentPurger>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SessionPurger>());
        services.TryAddSingleton<ManagedKeyAuthenticator>();
        services.TryAddSingleton<IGatewayAuthenticator>(static sp => sp.GetRequiredService<ManagedKeyAuthenticator>());
        services.TryAddSingleton<IGatewaySessionAuthenticator>(static sp => sp.GetRequiredService<ManagedKeyAuthenticator>());
        services.TryAddSingleton<ProviderClientRegistry>();
        services.TryAddSingleton<IGatewayModelDirectory, GatewayModelDirectory>();
        services.TryAddSingleton<ModelLatencyTracker>();
        services.TryAddSingleton<ProviderCircuitBreakers>();
        services.TryAddSingleton<IModelAvailability, BreakerAwareModelAvailability>();
        services.TryAddSingleton<LlmRouter>();
        services.TryAddSingleton<CurrentRoutePlanner>();
        services.TryAddSingleton<RetiredModelResolver>();
        services.TryAddSingleton<FailoverExecutor>();
        services.TryAddSingleton<GatewayChatClient>();
        services.TryAddKeyedSingleton<IChatClient>(ThreadSyncGatewayServiceKeys.ChatClient, static (sp, _) => sp.GetRequiredService<GatewayChatClient>());
        services.TryAddSingleton<IChatClient>(static sp => sp.GetRequiredService<GatewayChatClient>());

        foreach (var provider in Enum.GetValues<GatewayProvider>())
        {
            AddProviderHttpClient(services, provider);
        }

        return new ThreadSyncGatewayBuilder(services);
    }

    private static void AddProviderHttpClient(IServiceCollection services, GatewayProvider provider)
    {
        var name = ProviderClientRegistry.HttpClientName(provider);
        services.AddHttpClient(name)
            // Time limits come from the resilience pipeline, which knows streaming from buffering.
            .ConfigureHttpClient(static client => client.Timeout = Timeout.InfiniteTimeSpan)
            // The default HttpClient logging writes request URLs, which can hold credentials: never.
            .RemoveAllLoggers()
            .AddResilienceHandler(name, (pipeline, context) =>
            {
                var settings = context.ServiceProvider.GetRequiredService<IOptions<GatewayOptions>>().Value.Providers.Get(provider);
                pipeline.AddTimeout(new HttpTimeoutStrategyOptions { Timeout = settings.Timeout });
            });
    }
}
