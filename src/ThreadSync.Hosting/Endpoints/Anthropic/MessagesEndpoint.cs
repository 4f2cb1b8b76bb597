using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ThreadSync.Gateway;
using ThreadSync.Hosting.Http;
using ThreadSync.Hosting.Idempotency;
using ThreadSync.Hosting.Streaming;

namespace ThreadSync.Hosting.Endpoints.Anthropic;

/// <summary>
/// <c>POST /v1/messages</c>: Anthropic's Messages API over the governed gateway, answered by whichever provider
/// serves the requested model. <c>anthropic-version</c> is accepted and ignored; <c>anthropic-beta</c> goes on to
/// Anthropic models. Mapped
/// with <see cref="AnthropicErrorFormat"/>, so every error, guards included, is in Anthropic's shape.
/// </summary>
internal sealed class MessagesEndpoint(
    [FromKeyedServices(ThreadSyncGatewayServiceKeys.ChatClient)] IChatClient gateway,
    IGatewayAuthenticator authenticator,
    IOptions<ThreadSyncHttpOptions> httpOptions,
    StreamSettings streamSettings,
    ILogger<MessagesEndpoint> logger)
{
    /// <summary>The route, as the usage ledger records it.</summary>
    public const string Path = "/v1/messages";

    public async Task HandleAsync(HttpContext http)
    {
        var request = http.Request;
        var correlationId = CorrelationId.Get(http);
        http.Response.Headers[AnthropicErrors.RequestIdHeader] = correlationId;
        if (await RequestGuards.ReadRequestAsync(
            request,
            authenticator,
            httpOptions.Value.MaxRequestBodyBytes,
            request.Headers["anthropic-beta"].ToString(),
            static (body, beta) => AnthropicRequestParser.Parse(body, beta)) is not (var caller, var parsed))
        {
            return;
        }

        var context = new GatewayRequestContext(caller, correlationId) { Endpoint = Path, ConversationId = ConversationHeader.Resolve(request, bodyId: null) };
        IdempotentExchange.Attach(http, context);
        parsed.Options.WithGatewayContext(context);
        InferenceAudit.Attach(http, context);
        var aborted = http.RequestAborted;

        if (!parsed.Stream)
        {
            var response = await gateway.GetResponseAsync(parsed.Messages, parsed.Options, aborted);
            RouteHeaders.Write(http.Response, context);
            await JsonBody.WriteAsync(http.Response, (response, context), static (w, s) => AnthropicMessageWriter.Write(w, s.response, s.context), aborted);
            return;
        }

        await StreamResponder.RunAsync(http, gateway, parsed.Messages, parsed.Options, context, new AnthropicStreamWriter(http.Response.BodyWriter, context), streamSettings, logger);
    }
}
