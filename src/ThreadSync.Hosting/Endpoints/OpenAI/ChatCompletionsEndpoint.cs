using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ThreadSync.Gateway;
using ThreadSync.Hosting.Http;
using ThreadSync.Hosting.Idempotency;
using ThreadSync.Hosting.Streaming;

namespace ThreadSync.Hosting.Endpoints.OpenAI;

/// <summary><c>POST /v1/chat/completions</c>: OpenAI's Chat Completions API over the governed gateway.</summary>
internal sealed class ChatCompletionsEndpoint(
    [FromKeyedServices(ThreadSyncGatewayServiceKeys.ChatClient)] IChatClient gateway,
    IGatewayAuthenticator authenticator,
    IOptions<ThreadSyncHttpOptions> httpOptions,
    StreamSettings streamSettings,
    TimeProvider timeProvider,
    ILogger<ChatCompletionsEndpoint> logger)
{
    /// <summary>The route, as the usage ledger records it.</summary>
    public const string Path = "/v1/chat/completions";

    public async Task HandleAsync(HttpContext http)
    {
        var request = http.Request;
        var correlationId = CorrelationId.Get(http);
        if (await RequestGuards.ReadRequestAsync(
            request, authenticator, httpOptions.Value.MaxRequestBodyBytes, 0, static (body, _) => OpenAIChatRequestParser.Parse(body)) is not (var caller, var parsed))
        {
            return;
        }

        var context = new GatewayRequestContext(caller, correlationId)
        {
            AutoRoute = parsed.AutoRoute,
            Endpoint = Path,
            ConversationId = ConversationHeader.Resolve(request, parsed.ConversationId),
        };
        IdempotentExchange.Attach(http, context);
        parsed.Options.WithGatewayContext(context);
        InferenceAudit.Attach(http, context);
        var created = timeProvider.GetUtcNow().ToUnixTimeSeconds();
        var aborted = http.RequestAborted;

        if (!parsed.Stream)
        {
            var response = await gateway.GetResponseAsync(parsed.Messages, parsed.Options, aborted);
            RouteHeaders.Write(http.Response, context);
            await JsonBody.WriteAsync(http.Response, (response, context, created), static (w, s) => OpenAIChatResponseWriter.Write(w, s.response, s.context, s.created), aborted);
            return;
        }

        var chunks = new OpenAIChunkWriter(http.Response.BodyWriter, context, created, parsed.IncludeUsage);
        await StreamResponder.RunAsync(http, gateway, parsed.Messages, parsed.Options, context, chunks, streamSettings, logger);
    }
}
