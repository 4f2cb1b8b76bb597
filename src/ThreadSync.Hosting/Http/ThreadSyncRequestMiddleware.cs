using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ThreadSync.Gateway;
using ThreadSync.Hosting.Telemetry;

namespace ThreadSync.Hosting.Http;

/// <summary>
/// Outermost ThreadSync middleware: gives every request a correlation id (<c>x-request-id</c>), turns
/// <see cref="GatewayException"/> and unexpected failures into JSON errors without internals, and gives bodiless
/// error statuses from routing (404, 405) the same shape. The shape is OpenAI's, or Anthropic's for endpoints
/// marked with <see cref="AnthropicErrorFormat"/> and paths under <c>/v1/messages</c> (see <see cref="ErrorResponses"/>).
/// </summary>
internal sealed class ThreadSyncRequestMiddleware(RequestDelegate next, ILogger<ThreadSyncRequestMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var correlationId = CorrelationId.Get(context);
        try
        {
            await next(context);
        }
        catch (GatewayException ex) when (!context.Response.HasStarted)
        {
            LogGatewayError(correlationId, ex);
            await ErrorResponses.WriteAsync(context, ex);
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            HostingLog.ClientDisconnected(logger, correlationId);
            return;
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            var error = ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? new GatewayException(413, GatewayErrorCodes.RequestTooLarge, "The request body is too large.")
                : new GatewayException(400, GatewayErrorCodes.InvalidParameter, "The request could not be read.");
            LogGatewayError(correlationId, error);
            await ErrorResponses.WriteAsync(context, error);
            return;
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            HostingLog.UnhandledException(logger, correlationId, ex.GetType().FullName ?? ex.GetType().Name, SensitiveDataRedactor.Redact(ex.Message), ex.StackTrace);
            context.Response.Clear();
            context.Response.Headers[CorrelationId.HeaderName] = correlationId;
            await ErrorResponses.WriteAsync(context, new GatewayException(500, GatewayErrorCodes.InternalError, $"The gateway failed unexpectedly. Quote request id {correlationId} to its operator."));
            return;
        }

        if (!context.Response.HasStarted && context.Response.StatusCode is 404 or 405 && context.Response.ContentLength is null or 0)
        {
            var error = context.Response.StatusCode == 404
                ? new GatewayException(404, GatewayErrorCodes.NotFound, $"No endpoint {context.Request.Method} {context.Request.Path.Value}.")
                : new GatewayException(405, GatewayErrorCodes.MethodNotAllowed, $"{context.Request.Method} is not allowed on {context.Request.Path.Value}.");
            await ErrorResponses.WriteAsync(context, error);
        }
    }

    private void LogGatewayError(string correlationId, GatewayException error)
    {
        if (error.StatusCode >= 500 || error.Code.StartsWith("upstream_", StringComparison.Ordinal))
        {
            HostingLog.UpstreamFailed(logger, correlationId, error.StatusCode, error.Code, error.Message, error.LogDetail ?? "-");
        }
        else
        {
            HostingLog.RequestRejected(logger, correlationId, error.StatusCode, error.Code);
        }
    }
}
