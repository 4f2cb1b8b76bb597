using Microsoft.Extensions.Logging;

namespace ThreadSync.Hosting.Telemetry;

/// <summary>Log messages of the Hosting package. Never logs keys, prompts or upstream URLs.</summary>
internal static partial class HostingLog
{
    [LoggerMessage(EventId = 1001, EventName = "RequestRejected", Level = LogLevel.Debug,
        Message = "Request {CorrelationId} rejected with {StatusCode} {ErrorCode}.")]
    public static partial void RequestRejected(ILogger logger, string correlationId, int statusCode, string errorCode);

    [LoggerMessage(EventId = 1002, EventName = "UpstreamFailed", Level = LogLevel.Warning,
        Message = "Request {CorrelationId} failed upstream with {StatusCode} {ErrorCode}: {Message} ({Detail})")]
    public static partial void UpstreamFailed(ILogger logger, string correlationId, int statusCode, string errorCode, string message, string detail);

    [LoggerMessage(EventId = 1003, EventName = "UnhandledException", Level = LogLevel.Error,
        Message = "Request {CorrelationId} failed with an unexpected {ExceptionType}: {Message}\n{StackTrace}")]
    public static partial void UnhandledException(ILogger logger, string correlationId, string exceptionType, string? message, string? stackTrace);

    [LoggerMessage(EventId = 1004, EventName = "StreamFailed", Level = LogLevel.Warning,
        Message = "Stream {CorrelationId} ended with an error after it started: {StatusCode} {ErrorCode} ({Detail}).")]
    public static partial void StreamFailed(ILogger logger, string correlationId, int statusCode, string errorCode, string detail);

    [LoggerMessage(EventId = 1005, EventName = "ClientDisconnected", Level = LogLevel.Debug,
        Message = "Request {CorrelationId} was cancelled by the client.")]
    public static partial void ClientDisconnected(ILogger logger, string correlationId);

    [LoggerMessage(EventId = 1006, EventName = "AuditAppendFailed", Level = LogLevel.Error,
        Message = "Request {CorrelationId}: its audit record could not be committed ({ExceptionType}); the response was aborted so no client holds an answer the audit chain lacks.")]
    public static partial void AuditAppendFailed(ILogger logger, string correlationId, string exceptionType);
}
