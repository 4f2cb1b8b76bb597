using Microsoft.Extensions.Logging;

namespace ThreadSync.Gateway.Pipeline.Internal;

/// <summary>Log messages of the gateway pipeline. Never logs keys, prompts, upstream URLs or provider messages.</summary>
internal static partial class PipelineLog
{
    [LoggerMessage(EventId = 2001, EventName = "AttemptFailed", Level = LogLevel.Warning,
        Message = "Request {CorrelationId}: attempt on {Provider} model {Model} failed: {FailureKind}, upstream status {UpstreamStatus}, after {ElapsedMs} ms.")]
    public static partial void AttemptFailed(ILogger logger, string correlationId, string provider, string model, string failureKind, int? upstreamStatus, long elapsedMs);

    [LoggerMessage(EventId = 2002, EventName = "ProviderSkipped", Level = LogLevel.Information,
        Message = "Request {CorrelationId}: provider {Provider} skipped for model {Model}; its circuit breaker is open.")]
    public static partial void ProviderSkipped(ILogger logger, string correlationId, string provider, string model);

    [LoggerMessage(EventId = 2003, EventName = "StreamBroke", Level = LogLevel.Warning,
        Message = "Request {CorrelationId}: stream from {Provider} model {Model} failed after its first token with {ErrorCode}; the client gets an error event.")]
    public static partial void StreamBroke(ILogger logger, string correlationId, string provider, string model, string errorCode);
}
