using Microsoft.Extensions.Logging;

namespace ThreadSync.Hosting.Admin;

/// <summary>Log messages of the admin API (event ids 1100–1199). Never logs keys, secrets or request bodies.</summary>
internal static partial class AdminLog
{
    [LoggerMessage(EventId = 1101, EventName = "AdminAction", Level = LogLevel.Information,
        Message = "Admin request {CorrelationId}: {Actor} {Action} {TargetId} -> {StatusCode}.")]
    public static partial void AdminAction(ILogger logger, string correlationId, string actor, string action, string targetId, int statusCode);

    [LoggerMessage(EventId = 1102, EventName = "AdminAuditFailed", Level = LogLevel.Error,
        Message = "Admin request {CorrelationId}: the refusal of {Action} {TargetId} ({StatusCode}) could not be recorded in the admin audit log ({ExceptionType}).")]
    public static partial void AdminAuditFailed(ILogger logger, string correlationId, string action, string targetId, int statusCode, string exceptionType);
}
