using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using ThreadSync.Gateway;
using ThreadSync.Hosting.Http;
using ThreadSync.Hosting.Telemetry;

namespace ThreadSync.Hosting.Streaming;

/// <summary>
/// Runs one streamed answer for any endpoint: nothing is sent before the provider's first update (so an early
/// failure is still a plain JSON error with its status), then the endpoint's writer renders the updates, keep-alives
/// fill long silences, and a failure after the start becomes the format's error event.
/// </summary>
internal static class StreamResponder
{
    public static async Task RunAsync(
        HttpContext http,
        IChatClient gateway,
        IEnumerable<ChatMessage> messages,
        ChatOptions options,
        GatewayRequestContext context,
        IStreamResponseWriter writer,
        StreamSettings settings,
        ILogger logger)
    {
        var aborted = http.RequestAborted;
        await using var updates = gateway.GetStreamingResponseAsync(messages, options, aborted).GetAsyncEnumerator(aborted);
        var hasFirst = await updates.MoveNextAsync();

        var response = http.Response;
        RouteHeaders.Write(response, context);
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await using var stream = new StreamKeepAlive(writer, settings.KeepAliveInterval, settings.TimeProvider, aborted);
        try
        {
            if (hasFirst)
            {
                do
                {
                    await stream.WriteAsync(updates.Current, aborted);
                }
                while (await updates.MoveNextAsync());
            }

            await stream.CompleteAsync(context.Usage, aborted);
        }
        catch (GatewayException ex) when (!aborted.IsCancellationRequested)
        {
            HostingLog.StreamFailed(logger, context.CorrelationId, ex.StatusCode, ex.Code, ex.LogDetail ?? "-");
            await stream.FailAsync(ex, aborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && !aborted.IsCancellationRequested)
        {
            HostingLog.UnhandledException(logger, context.CorrelationId, ex.GetType().FullName ?? ex.GetType().Name, SensitiveDataRedactor.Redact(ex.Message), ex.StackTrace);
            await stream.FailAsync(new GatewayException(500, GatewayErrorCodes.InternalError, $"The gateway failed unexpectedly. Quote request id {context.CorrelationId} to its operator."), aborted);
        }
    }
}
