using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using ThreadSync.Gateway.Storage;

namespace ThreadSync.Gateway.Audit.Internal;

/// <summary>
/// Composes the audit record of every request that reaches the pipeline when it ends (served, refused, failed,
/// cancelled), next to its usage record. In-process calls are appended here, with the SHA-256 of the prompt and
/// response text; requests the HTTP layer serves are left on the context for it to complete with the hashes of the
/// bytes it received and sent, and append before the response completes.
/// </summary>
internal sealed partial class AuditRecorder(GatewayStores stores, TimeProvider timeProvider, ILogger<AuditRecorder> logger)
{
    /// <summary>Records the end of a request, once; never throws.</summary>
    /// <param name="context">The request.</param>
    /// <param name="verdict">How it ended, unless the usage record already said.</param>
    /// <param name="statusCode">The status it ended with, unless the usage record already said.</param>
    /// <param name="messages">The prompt (hashed for in-process calls).</param>
    /// <param name="responseText">The answer's text (hashed for in-process calls), or <see langword="null"/> when there is none.</param>
    /// <returns>A task that completes when the record and the request's settlement are committed (in-process), or when the record is composed (hosted).</returns>
    public async ValueTask RecordAsync(GatewayRequestContext context, string verdict, int statusCode, IEnumerable<ChatMessage> messages, string? responseText)
    {
        await AppendAsync(context, verdict, statusCode, messages, responseText).ConfigureAwait(false);
        if (!context.HostAppendsAudit)
        {
            // Started before the record (see QuotaEnforcer.SettleAsync); a host that appends the record awaits it itself.
            await context.Settled.ConfigureAwait(false);
        }
    }

    private async ValueTask AppendAsync(GatewayRequestContext context, string verdict, int statusCode, IEnumerable<ChatMessage> messages, string? responseText)
    {
        if (context.AuditRecord is not null)
        {
            return;
        }

        var usage = context.Usage;
        var router = context.RouterUsage;
        var caller = context.Caller;
        var record = new AuditRecord
        {
            At = context.StartedAt,
            Kind = AuditKinds.Inference,
            CorrelationId = context.CorrelationId,
            KeyId = caller.KeyId,
            OrgId = caller.OrgId,
            TeamId = caller.TeamId,
            Endpoint = context.Endpoint,
            Model = context.Model?.Id ?? context.RequestedModel,
            Provider = context.Model?.Provider.ToWireId(),
            RouteMethod = context.RouteMethod,
            Verdict = context.RecordedVerdict ?? verdict,
            InputTokens = (usage?.InputTokens ?? 0) + (router?.InputTokens ?? 0),
            OutputTokens = (usage?.OutputTokens ?? 0) + (router?.OutputTokens ?? 0),
            CostUsd = (usage?.BilledCostUsd ?? 0) + (router?.BilledCostUsd ?? 0),
            LatencyMs = (long)timeProvider.GetElapsedTime(context.StartTimestamp).TotalMilliseconds,
            StatusCode = context.RecordedStatus ?? statusCode,
            FallbackAttempts = context.FailedAttempts.Count,

            // A browser session's request is attributed to its subject (the key's governance applied).
            Actor = caller.SessionId is null ? null : "subject:" + caller.SubjectId,
            Target = caller.SessionId,
        };

        if (context.HostAppendsAudit)
        {
            context.AuditRecord = record;
            return;
        }

        try
        {
            var prompt = PromptBytes(messages);
            var response = responseText is null ? null : Encoding.UTF8.GetBytes(responseText);
            record = record with
            {
                PromptSha256 = Sha256(prompt),
                ResponseSha256 = response is null ? null : Sha256(response),
                Content = caller.AuditContentRetention is { } retention
                    ? new AuditContent { Prompt = prompt, Response = response, ExpiresAt = record.At + retention }
                    : null,
            };
            var head = await stores.Audit.AppendAsync(record, CancellationToken.None).ConfigureAwait(false);
            context.AuditRecord = record with { Sequence = head.Sequence, Hash = head.Hash };
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            context.AuditRecord = record;
            LogAppendFailed(logger, context.CorrelationId, ex.GetType().Name);
        }
    }

    /// <summary>The SHA-256 of bytes, as 64 lowercase hex characters.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The hash.</returns>
    public static string Sha256(ReadOnlySpan<byte> bytes)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(bytes, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>
    /// The prompt bytes of an in-process call, as <c>docs/audit.md</c> specifies them: for each message, its role, a
    /// line feed, its text and a line feed, in UTF-8.
    /// </summary>
    /// <param name="messages">The messages.</param>
    /// <returns>The bytes.</returns>
    public static byte[] PromptBytes(IEnumerable<ChatMessage> messages)
    {
        var text = new StringBuilder();
        foreach (var message in messages)
        {
            text.Append(message.Role.Value).Append('\n').Append(message.Text).Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Error, Message = "Request {CorrelationId}: its audit record could not be appended ({ExceptionType}).")]
    private static partial void LogAppendFailed(ILogger logger, string correlationId, string exceptionType);
}
