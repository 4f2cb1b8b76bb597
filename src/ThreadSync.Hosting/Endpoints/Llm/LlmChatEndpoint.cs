using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ThreadSync.Gateway;
using ThreadSync.Hosting.Http;
using ThreadSync.Hosting.Idempotency;
using ThreadSync.Hosting.Streaming;

namespace ThreadSync.Hosting.Endpoints.Llm;

/// <summary>
/// <c>POST /api/v1/llm/chat</c>: ThreadSync's normalized chat endpoint over the governed gateway. Same guards and
/// OpenAI-shaped errors as <c>/v1/chat/completions</c>; streams as named server-sent events.
/// </summary>
internal sealed class LlmChatEndpoint(
    [FromKeyedServices(ThreadSyncGatewayServiceKeys.ChatClient)] IChatClient gateway,
    IGatewayAuthenticator authenticator,
    IOptions<ThreadSyncHttpOptions> httpOptions,
    StreamSettings streamSettings,
    ILogger<LlmChatEndpoint> logger)
{
    /// <summary>The route, as the usage ledger records it.</summary>
    public const string Path = "/api/v1/llm/chat";

    /// <summary>The response id: <c>chat_</c> and the correlation id.</summary>
    public static string ResponseId(GatewayRequestContext context) => "chat_" + context.CorrelationId;

    public async Task HandleAsync(HttpContext http)
    {
        var request = http.Request;
        var correlationId = CorrelationId.Get(http);
        if (await RequestGuards.ReadRequestAsync(
            request, authenticator, httpOptions.Value.MaxRequestBodyBytes, 0, static (body, _) => LlmChatRequestParser.Parse(body)) is not (var caller, var parsed))
        {
            return;
        }

        var context = new GatewayRequestContext(caller, correlationId)
        {
            Endpoint = Path,
            AutoRoute = parsed.AutoRoute,
            ConversationId = ConversationHeader.Resolve(request, parsed.ConversationId),
        };
        IdempotentExchange.Attach(http, context);
        parsed.Options.WithGatewayContext(context);
        InferenceAudit.Attach(http, context);
        var aborted = http.RequestAborted;

        if (!parsed.Stream)
        {
            var response = await gateway.GetResponseAsync(parsed.Messages, parsed.Options, aborted);
            RouteHeaders.Write(http.Response, context);
            await JsonBody.WriteAsync(http.Response, (response, context), static (w, s) => LlmChatResponseWriter.Write(w, s.response, s.context), aborted);
            return;
        }

        await StreamResponder.RunAsync(http, gateway, parsed.Messages, parsed.Options, context, new LlmEventWriter(http.Response.BodyWriter, context), streamSettings, logger);
    }
}
