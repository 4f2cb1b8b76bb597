using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ThreadSync.Hosting.Admin;
using ThreadSync.Hosting.Endpoints;
using ThreadSync.Hosting.Endpoints.Anthropic;
using ThreadSync.Hosting.Endpoints.Conversations;
using ThreadSync.Hosting.Endpoints.Llm;
using ThreadSync.Hosting.Endpoints.OpenAI;
using ThreadSync.Hosting.Idempotency;
using ThreadSync.Hosting.Sessions;
using ThreadSync.Hosting.Streaming;

namespace ThreadSync.Hosting;

/// <summary>Registers the ThreadSync HTTP surface. Pair with <c>AddThreadSyncGateway</c>, <c>UseThreadSync</c> and <c>MapThreadSync</c>.</summary>
public static class ThreadSyncHostingServiceCollectionExtensions
{
    /// <summary>
    /// Adds the services behind the ThreadSync endpoints (OpenAI Chat Completions, Anthropic Messages, ThreadSync's
    /// normalized chat, models, conversations, the admin API), binds <see cref="ThreadSyncHttpOptions"/>, and binds
    /// <see cref="ThreadSyncAdminOptions"/> from the <c>ThreadSync:Admin</c> section of the host's configuration.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="httpSection">The <c>ThreadSync:Http</c> configuration section, if any.</param>
    /// <returns>The service collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddThreadSyncHosting(this IServiceCollection services, IConfiguration? httpSection = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<ThreadSyncHttpOptions>();
        if (httpSection is not null)
        {
            options.Bind(httpSection);
        }

        options
            .Validate(static o => o.MaxRequestBodyBytes > 0, $"{ThreadSyncHttpOptions.SectionName}:MaxRequestBodyBytes must be a positive number of bytes.")
            .Validate(static o => o.StreamKeepAliveInterval >= TimeSpan.Zero, $"{ThreadSyncHttpOptions.SectionName}:StreamKeepAliveInterval must be zero (off) or a positive time span such as 00:00:15.")
            .ValidateOnStart();
        services.TryAddSingleton<StreamSettings>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ChatCompletionsEndpoint>();
        services.TryAddSingleton<MessagesEndpoint>();
        services.TryAddSingleton<LlmChatEndpoint>();
        services.TryAddSingleton<ModelsEndpoint>();
        services.TryAddSingleton<ConversationsEndpoint>();
        services.TryAddSingleton<IdempotencyGate>();
        AddSessions(services);
        AddAdmin(services);
        return services;
    }

    private static void AddSessions(IServiceCollection services)
    {
        services.AddOptions<ThreadSyncSessionOptions>()
            .Configure<IServiceProvider>(static (options, provider) => provider.GetService<IConfiguration>()?.GetSection(ThreadSyncSessionOptions.SectionName).Bind(options))
            .Validate(static o => o.ShareCodeLifetime >= TimeSpan.FromSeconds(10) && o.ShareCodeLifetime <= TimeSpan.FromMinutes(10), $"{ThreadSyncSessionOptions.SectionName}:ShareCodeLifetime must be between 00:00:10 and 00:10:00.")
            .Validate(static o => o.SignatureWindow >= TimeSpan.FromSeconds(10) && o.SignatureWindow <= TimeSpan.FromHours(1), $"{ThreadSyncSessionOptions.SectionName}:SignatureWindow must be between 00:00:10 and 01:00:00.")
            .Validate(static o => o.OriginCacheDuration >= TimeSpan.Zero && o.OriginCacheDuration <= TimeSpan.FromMinutes(5), $"{ThreadSyncSessionOptions.SectionName}:OriginCacheDuration must be between 00:00:00 and 00:05:00.")
            .ValidateOnStart();
        services.TryAddSingleton<AppClientOrigins>();
        services.TryAddSingleton<BrowserKeyPolicy>();
        services.TryAddSingleton<SessionAudit>();
        services.TryAddSingleton<SessionRequestAuthenticator>();
        services.TryAddSingleton<SessionsEndpoint>();
    }

    private static void AddAdmin(IServiceCollection services)
    {
        // Bound from the host's configuration when there is one (there always is under a generic or web host).
        services.AddOptions<ThreadSyncAdminOptions>()
            .Configure<IServiceProvider>(static (options, provider) => provider.GetService<IConfiguration>()?.GetSection(ThreadSyncAdminOptions.SectionName).Bind(options))
            .Validate(
                static o => string.IsNullOrWhiteSpace(o.ApiKey) || o.ApiKey.Trim().Length >= ThreadSyncAdminOptions.MinApiKeyLength,
                $"{ThreadSyncAdminOptions.SectionName}:ApiKey must be at least {ThreadSyncAdminOptions.MinApiKeyLength} characters (a long random value, e.g. from 'openssl rand -base64 32').")
            .ValidateOnStart();
        services.TryAddSingleton<AdminStoreReadiness>();
        services.TryAddSingleton<AdminAuthenticator>();
        services.TryAddSingleton<AdminKeyProvisioner>();
        services.TryAddSingleton<AdminActionRunner>();
        services.TryAddSingleton<OrgAdminEndpoints>();
        services.TryAddSingleton<TeamAdminEndpoints>();
        services.TryAddSingleton<KeyAdminEndpoints>();
        services.TryAddSingleton<UsageAdminEndpoints>();
        services.TryAddSingleton<AuditAdminEndpoints>();
        services.TryAddSingleton<ConversationAdminEndpoints>();
        services.TryAddSingleton<AppClientAdminEndpoints>();
    }
}
