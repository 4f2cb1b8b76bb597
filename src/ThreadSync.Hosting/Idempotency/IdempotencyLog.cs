using Microsoft.Extensions.Logging;

namespace ThreadSync.Hosting.Idempotency;

/// <summary>Log messages of idempotent requests. Never logs the idempotency key (client text) or response bodies.</summary>
internal static partial class IdempotencyLog
{
    [LoggerMessage(EventId = 1101, EventName = "IdempotentReplay", Level = LogLevel.Debug,
        Message = "Request {CorrelationId} replayed the stored response ({StatusCode}, {Bytes} bytes) of its idempotency key.")]
    public static partial void Replayed(ILogger logger, string correlationId, int statusCode, int bytes);

    [LoggerMessage(EventId = 1102, EventName = "IdempotencyKeyResolved", Level = LogLevel.Debug,
        Message = "Request {CorrelationId} ended with {StatusCode}; its idempotency key: {Resolution}.")]
    public static partial void Resolved(ILogger logger, string correlationId, int statusCode, ClaimResolution resolution);

    [LoggerMessage(EventId = 1103, EventName = "IdempotencyKeyQuarantined", Level = LogLevel.Warning,
        Message = "Request {CorrelationId} ended with {StatusCode} after it may have been executed upstream: its idempotency key is quarantined (retries get 409 idempotency_outcome_uncertain).")]
    public static partial void Quarantined(ILogger logger, string correlationId, int statusCode);

    [LoggerMessage(EventId = 1104, EventName = "IdempotencyClaimLost", Level = LogLevel.Warning,
        Message = "Request {CorrelationId} no longer held its idempotency key when it ended ({Resolution} not applied): its lease ran out, so the key is uncertain.")]
    public static partial void ClaimLost(ILogger logger, string correlationId, ClaimResolution resolution);

    [LoggerMessage(EventId = 1108, EventName = "IdempotencyLeaseLost", Level = LogLevel.Warning,
        Message = "Request {CorrelationId} could not renew its idempotency claim: its lease ran out and the key was turned uncertain. The request goes on; its response will not be stored.")]
    public static partial void LeaseLost(ILogger logger, string correlationId);

    [LoggerMessage(EventId = 1105, EventName = "IdempotencyStoreFailed", Level = LogLevel.Error,
        Message = "Request {CorrelationId}: the idempotency store failed to {Operation} ({ExceptionType}: {Message}). The key stays in progress until its lease runs out, then uncertain.")]
    public static partial void StoreFailed(ILogger logger, string correlationId, string operation, string exceptionType, string? message);

    [LoggerMessage(EventId = 1106, EventName = "IdempotencyRecordsPurged", Level = LogLevel.Information,
        Message = "Purged {Count} expired idempotency records.")]
    public static partial void Purged(ILogger logger, long count);

    [LoggerMessage(EventId = 1107, EventName = "IdempotencyPurgeFailed", Level = LogLevel.Warning,
        Message = "Purging expired idempotency records failed ({ExceptionType}: {Message}); the next idempotent request retries later.")]
    public static partial void PurgeFailed(ILogger logger, string exceptionType, string? message);
}
