using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ThreadSync.Gateway;
using ThreadSync.Hosting.Http;
using ThreadSync.Hosting.Serialization;
using ThreadSync.Hosting.Telemetry;

namespace ThreadSync.Hosting.Endpoints.Anthropic;

/// <summary>
/// <c>POST /v1/messages</c>: Anthropic's Messages API over the governed gateway, answered by whichever provider
/// serves the requested model. <c>anthropic-version</c> and <c>anthropic-beta</c> are accepted and ignored. Mapped
/// with <see cref="AnthropicErrorFormat"/>, so every error, guards included, is in Anthropic's shape.
/// </summary>
internal sealed class MessagesEndpoint(
    [FromKeyedServices(ThreadSyncGatewayServiceKeys.ChatClient)] IChatClient gateway,
    IGatewayAuthenticator authenticator,
    IOptions<ThreadSyncHttpOptions> httpOptions,
    ILogger<MessagesEndpoint> logger)
{
    public async Task HandleAsync(HttpContext http)
    {
        var request = http.Request;
        var correlationId = CorrelationId.Get(http);
        http.Response.Headers[AnthropicErrors.RequestIdHeader] = correlationId;
        RequestGuards.RequireJson(request);
        var caller = await RequestGuards.AuthenticateAsync(request, authenticator);

        ParsedMessagesRequest parsed;
        var body = await RequestGuards.ReadBodyAsync(request, httpOptions.Value.MaxRequestBodyBytes);
        try
        {
            parsed = AnthropicRequestParser.Parse(body, request.Headers["anthropic-beta"].ToString());
        }
        finally
        {
            request.BodyReader.AdvanceTo(body.End);
        }

        var context = new GatewayRequestContext(caller, correlationId);
        parsed.Options.WithGatewayContext(context);
        var aborted = http.RequestAborted;

        if (!parsed.Stream)
        {
            var response = await gateway.GetResponseAsync(parsed.Messages, parsed.Options, aborted);
            http.Response.ContentType = "application/json";
            using var writer = new Utf8JsonWriter(http.Response.BodyWriter, HostingJson.WriterOptions);
            AnthropicMessageWriter.Write(writer, response, context);
            await writer.FlushAsync(aborted);
            return;
        }

        await StreamAsync(http, parsed, context);
    }

    private async Task StreamAsync(HttpContext http, ParsedMessagesRequest parsed, GatewayRequestContext context)
    {
        var aborted = http.RequestAborted;
        await using var updates = gateway.GetStreamingResponseAsync(parsed.Messages, parsed.Options, aborted).GetAsyncEnumerator(aborted);

        // Nothing is sent before the first update: a failure up to here is still a plain JSON error with its status.
        var hasFirst = await updates.MoveNextAsync();

        NamedEventWriter.PrepareResponse(http.Response);
        var events = new AnthropicStreamWriter(http.Response.BodyWriter, context);
        try
        {
            if (hasFirst)
            {
                do
                {
                    await events.WriteAsync(updates.Current, aborted);
                }
                while (await updates.MoveNextAsync());
            }

            await events.CompleteAsync(context.Usage, aborted);
        }
        catch (GatewayException ex) when (!aborted.IsCancellationRequested)
        {
            HostingLog.StreamFailed(logger, context.CorrelationId, ex.StatusCode, ex.Code);
            await events.FailAsync(ex, aborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && !aborted.IsCancellationRequested)
        {
            HostingLog.UnhandledException(logger, context.CorrelationId, ex.GetType().FullName ?? ex.GetType().Name, SensitiveDataRedactor.Redact(ex.Message), ex.StackTrace);
            await events.FailAsync(new GatewayException(500, GatewayErrorCodes.InternalError, $"The gateway failed unexpectedly. Quote request id {context.CorrelationId} to its operator."), aborted);
        }
    }
}
