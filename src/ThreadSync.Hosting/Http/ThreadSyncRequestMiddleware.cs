using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using ThreadSync.Gateway;
using ThreadSync.Gateway.Storage;
using ThreadSync.Hosting.Telemetry;

namespace ThreadSync.Hosting.Http;

/// <summary>
/// Outermost ThreadSync middleware: gives every request a correlation id (<c>x-request-id</c>), turns
/// <see cref="GatewayException"/> and unexpected failures into JSON errors without internals, and gives bodiless
/// error statuses from routing (404, 405) the same shape. The shape is OpenAI's, or Anthropic's for endpoints
/// marked with <see cref="AnthropicErrorFormat"/> and paths under <c>/v1/messages</c> (see <see cref="ErrorResponses"/>).
/// </summary>
/// <remarks>
/// Inference requests are audited here, from arrival to the last byte: the response body is hashed as it is written,
/// and the request's audit record (the pipeline's, or what is known of a request refused before it) is appended to the
/// chain before the response completes. Bytes written after the outcome is decided are held until the record is
/// committed; if it cannot be committed, the response is aborted, so no client holds an answer the chain lacks.
/// </remarks>
internal sealed class ThreadSyncRequestMiddleware(RequestDelegate next, GatewayStores stores, TimeProvider timeProvider, ILogger<ThreadSyncRequestMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        var start = Stopwatch.GetTimestamp();
        return InferenceAudit.Applies(context.Request) ? InvokeAuditedAsync(context, start) : InvokeCoreAsync(context, start, audit: null);
    }

    private async Task InvokeAuditedAsync(HttpContext context, long start)
    {
        var correlationId = CorrelationId.Get(context);
        var audit = new InferenceAudit(correlationId, context.Request.Path.Value!, timeProvider.GetUtcNow(), timeProvider.GetTimestamp());
        var original = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        using var body = new HashingPipeWriter(original.Writer, audit);
        context.Features.Set<IHttpResponseBodyFeature>(new AuditedResponseBodyFeature(original, body));
        context.Features.Set(audit);
        try
        {
            await InvokeCoreAsync(context, start, audit);
        }
        finally
        {
            context.Features.Set(original);
            await AppendAuditAsync(context, audit, body);
        }
    }

    private async Task AppendAuditAsync(HttpContext context, InferenceAudit audit, HashingPipeWriter body)
    {
        var record = audit.Compose(context, body, timeProvider);
        try
        {
            await stores.Audit.AppendAsync(record, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            HostingLog.AuditAppendFailed(logger, record.CorrelationId!, ex.GetType().Name);
            context.Abort();
        }

        // The usage settlement, started when the pipeline ended so it overlapped the response; it never faults.
        if (audit.Context is { } gateway)
        {
            await gateway.Settled;
        }
    }

    private async Task InvokeCoreAsync(HttpContext context, long start, InferenceAudit? audit)
    {
        // Begun in this async method, so the timing flows into the request's work and no further.
        OverheadHeader.Begin(context, start);
        var correlationId = CorrelationId.Get(context);
        try
        {
            await next(context);
        }
        catch (GatewayException ex) when (!context.Response.HasStarted)
        {
            LogGatewayError(correlationId, ex);
            audit?.End();
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
            audit?.End();
            await ErrorResponses.WriteAsync(context, error);
            return;
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            HostingLog.UnhandledException(logger, correlationId, ex.GetType().FullName ?? ex.GetType().Name, SensitiveDataRedactor.Redact(ex.Message), ex.StackTrace);
            context.Response.Clear();
            context.Response.Headers[CorrelationId.HeaderName] = correlationId;
            audit?.End();
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
