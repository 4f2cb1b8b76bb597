using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ThreadSync.Hosting.Admin;
using ThreadSync.Hosting.Endpoints;
using ThreadSync.Hosting.Endpoints.Anthropic;
using ThreadSync.Hosting.Endpoints.Conversations;
using ThreadSync.Hosting.Endpoints.Llm;
using ThreadSync.Hosting.Endpoints.OpenAI;
using ThreadSync.Hosting.Http;
using ThreadSync.Hosting.Idempotency;
using ThreadSync.Hosting.Sessions;

namespace ThreadSync.Hosting;

/// <summary>Adds the ThreadSync middleware and endpoints to an ASP.NET Core application.</summary>
public static class ThreadSyncApplicationBuilderExtensions
{
    /// <summary>
    /// Adds the ThreadSync request middleware: a correlation id on every response (<c>x-request-id</c>), JSON errors
    /// without internals, in OpenAI's shape (Anthropic's for <c>/v1/messages</c>), and the recording of responses to
    /// requests sent with an <c>Idempotency-Key</c>. Call it before mapping endpoints.
    /// </summary>
    /// <param name="app">The application builder.</param>
    /// <returns>The application builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="app"/> is <see langword="null"/>.</exception>
    public static IApplicationBuilder UseThreadSync(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // CORS first: a browser's preflight is answered before anything else looks at the request.
        return app.UseMiddleware<SessionCorsMiddleware>().UseMiddleware<IdempotencyMiddleware>().UseMiddleware<ThreadSyncRequestMiddleware>();
    }

    /// <summary>
    /// Maps the ThreadSync endpoints: <c>POST /v1/chat/completions</c> (OpenAI Chat Completions),
    /// <c>POST /v1/messages</c> (Anthropic Messages, with Anthropic-shaped errors), <c>POST /api/v1/llm/chat</c>
    /// (ThreadSync's normalized chat), <c>GET /v1/models</c>, the caller's stored conversations under
    /// <c>/v1/conversations</c>, <c>GET /health</c>, and the admin API under <c>/admin/v1/</c> (orgs, teams, keys,
    /// policies, usage, admin audit, conversations; authenticated by the admin key) unless
    /// <c>ThreadSync:Admin:Enabled</c> is <see langword="false"/>.
    /// </summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <returns>The endpoint route builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> is <see langword="null"/>.</exception>
    public static IEndpointRouteBuilder MapThreadSync(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapPost(ChatCompletionsEndpoint.Path, static http => http.RequestServices.GetRequiredService<ChatCompletionsEndpoint>().HandleAsync(http));
        endpoints.MapPost(MessagesEndpoint.Path, static http => http.RequestServices.GetRequiredService<MessagesEndpoint>().HandleAsync(http))
            .WithMetadata(AnthropicErrorFormat.Instance);
        endpoints.MapPost(LlmChatEndpoint.Path, static http => http.RequestServices.GetRequiredService<LlmChatEndpoint>().HandleAsync(http));
        endpoints.MapGet("/v1/models", static http => http.RequestServices.GetRequiredService<ModelsEndpoint>().HandleAsync(http));
        MapConversations(endpoints);
        MapSessions(endpoints);
        endpoints.MapGet("/health", HealthEndpoint.HandleAsync);
        if (endpoints.ServiceProvider.GetRequiredService<IOptions<ThreadSyncAdminOptions>>().Value.Enabled)
        {
            AdminRoutes.Map(endpoints);
        }

        return endpoints;
    }

    private static void MapSessions(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(SessionsEndpoint.ShareCodesPath, static http => http.RequestServices.GetRequiredService<SessionsEndpoint>().ShareCodeAsync(http));
        endpoints.MapPost(SessionsEndpoint.ExchangePath, static http => http.RequestServices.GetRequiredService<SessionsEndpoint>().ExchangeAsync(http));
        endpoints.MapDelete(SessionsEndpoint.CurrentPath, static http => http.RequestServices.GetRequiredService<SessionsEndpoint>().EndCurrentAsync(http));
        endpoints.MapPost(SessionsEndpoint.RevokePath, static http => http.RequestServices.GetRequiredService<SessionsEndpoint>().RevokeAsync(http));
    }

    private static void MapConversations(IEndpointRouteBuilder endpoints)
    {
        const string Path = ConversationsEndpoint.Path;
        const string Item = Path + "/{id}";
        endpoints.MapPost(Path, static http => http.RequestServices.GetRequiredService<ConversationsEndpoint>().CreateAsync(http));
        endpoints.MapGet(Path, static http => http.RequestServices.GetRequiredService<ConversationsEndpoint>().ListAsync(http));
        endpoints.MapGet(Item, static http => http.RequestServices.GetRequiredService<ConversationsEndpoint>().GetAsync(http));
        endpoints.MapPatch(Item, static http => http.RequestServices.GetRequiredService<ConversationsEndpoint>().UpdateAsync(http));
        endpoints.MapDelete(Item, static http => http.RequestServices.GetRequiredService<ConversationsEndpoint>().DeleteAsync(http));
    }
}
