using System.Text.Json;
using ThreadSync.Gateway.Audit;
using ThreadSync.Gateway.Storage;

namespace ThreadSync.Hosting.Sessions;

/// <summary>
/// Appends browser-session events (kind <c>session</c>) to the audit chain: share codes minted, exchanges, sessions
/// ended or revoked, each with its outcome, and refusals with their reason. Secrets (codes, tokens, keys, verifiers)
/// never appear, not even hashed.
/// </summary>
internal sealed class SessionAudit(GatewayStores stores, TimeProvider timeProvider)
{
    /// <summary>One event to record.</summary>
    /// <param name="Action">What happened: <c>session.share_code</c>, <c>session.exchange</c>, <c>session.end</c>, <c>session.revoke</c>.</param>
    /// <param name="CorrelationId">The request's id.</param>
    /// <param name="Endpoint">The path.</param>
    /// <param name="StatusCode">The status sent.</param>
    /// <param name="Reason">The error code of a refusal, or <see langword="null"/> for success.</param>
    public sealed record Event(string Action, string CorrelationId, string Endpoint, int StatusCode, string? Reason)
    {
        /// <summary>Gets the key that minted (or revoked), when known.</summary>
        public string? KeyId { get; init; }

        /// <summary>Gets the org, when known.</summary>
        public string? OrgId { get; init; }

        /// <summary>Gets the subject, when known.</summary>
        public string? SubjectId { get; init; }

        /// <summary>Gets the session or app client concerned, when known.</summary>
        public string? Target { get; init; }

        /// <summary>Gets the request's origin, when it sent one.</summary>
        public string? Origin { get; init; }

        /// <summary>Gets the app client, when known.</summary>
        public string? AppClientId { get; init; }
    }

    /// <summary>Appends the event; a failure to append fails the request (nothing unaudited is answered as done).</summary>
    public async ValueTask RecordAsync(Event e, CancellationToken cancellationToken)
    {
        var record = new AuditRecord
        {
            At = timeProvider.GetUtcNow(),
            Kind = AuditKinds.Session,
            CorrelationId = e.CorrelationId,
            KeyId = e.KeyId,
            OrgId = e.OrgId,
            Endpoint = e.Endpoint,
            Verdict = e.Reason is null ? UsageVerdicts.Ok : Admin.AdminVerdicts.Refused,
            StatusCode = e.StatusCode,
            Actor = e.SubjectId is null ? null : "subject:" + e.SubjectId,
            Action = e.Action,
            Target = e.Target,
            Details = Details(e),
        };
        await stores.Audit.AppendAsync(record, cancellationToken);
    }

    private static string? Details(Event e)
    {
        if (e.Reason is null && e.Origin is null && e.AppClientId is null)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (e.AppClientId is not null)
            {
                writer.WriteString("app_client_id", e.AppClientId);
            }

            if (e.Origin is not null)
            {
                writer.WriteString("origin", e.Origin);
            }

            if (e.Reason is not null)
            {
                writer.WriteString("reason", e.Reason);
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
