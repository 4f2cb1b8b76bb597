using System.Text.Json;
using ThreadSync.Gateway;
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

    /// <summary>
    /// Runs a session action and records its outcome once: <paramref name="action"/> fills in the scope's event as it
    /// learns who and what is involved and commits it before answering; a refusal before that is recorded with its
    /// status and code, then rethrown.
    /// </summary>
    public async Task RunAsync(Event start, Func<Scope, Task> action)
    {
        var scope = new Scope(this, start);
        try
        {
            await action(scope);
        }
        catch (GatewayException ex) when (!scope.Committed)
        {
            await RecordAsync(scope.Event with { StatusCode = ex.StatusCode, Reason = ex.Code }, CancellationToken.None);
            throw;
        }
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

    /// <summary>One action's audit event, completed as the action goes.</summary>
    public sealed class Scope(SessionAudit audit, Event start)
    {
        /// <summary>Gets or sets the event as known so far.</summary>
        public Event Event { get; set; } = start;

        /// <summary>Gets a value indicating whether the outcome was recorded.</summary>
        public bool Committed { get; private set; }

        /// <summary>Records the event as a success, before the answer is sent.</summary>
        public async Task CommitAsync()
        {
            await audit.RecordAsync(Event, CancellationToken.None);
            Committed = true;
        }
    }
}
