namespace ThreadSync.Gateway;

/// <summary>
/// Everything the gateway knows about one request as it moves through the pipeline: who is calling, its
/// correlation id, and, once answered, the provider, model, route and usage.
/// </summary>
/// <remarks>
/// One context belongs to one request; it is not thread-safe. Attach it to the request's <c>ChatOptions</c>
/// with <see cref="GatewayChatOptionsExtensions.WithGatewayContext"/>; calls without one run as
/// <see cref="GatewayCaller.InProcess"/>.
/// </remarks>
public sealed class GatewayRequestContext
{
    private List<GatewayAttempt>? _failedAttempts;

    /// <summary>Initializes a new instance of the <see cref="GatewayRequestContext"/> class.</summary>
    /// <param name="caller">The authenticated caller.</param>
    /// <param name="correlationId">The correlation id; a new one is generated when omitted.</param>
    /// <exception cref="ArgumentNullException"><paramref name="caller"/> is <see langword="null"/>.</exception>
    public GatewayRequestContext(GatewayCaller caller, string? correlationId = null)
    {
        ArgumentNullException.ThrowIfNull(caller);
        Caller = caller;
        CorrelationId = correlationId ?? NewCorrelationId();
    }

    /// <summary>Gets the caller the request runs as.</summary>
    public GatewayCaller Caller { get; }

    /// <summary>Gets the correlation id, echoed to clients as <c>x-request-id</c> and written to every log and record.</summary>
    public string CorrelationId { get; }

    /// <summary>Gets the provider that served the request, once routed.</summary>
    public GatewayProvider? Provider { get; internal set; }

    /// <summary>Gets the catalog model that served the request, once routed.</summary>
    public ModelDescriptor? Model { get; internal set; }

    /// <summary>
    /// Gets or sets a value indicating whether the caller asked the gateway to choose the model (<c>auto_route: true</c>).
    /// Set by the endpoint before the call.
    /// </summary>
    public bool AutoRoute { get; set; }

    /// <summary>
    /// Gets or sets the caller's conversation id (<c>conversation_id</c>), when the request belongs to one. Set by the
    /// endpoint before the call.
    /// </summary>
    public string? ConversationId { get; set; }

    /// <summary>Gets how the model was chosen (see <see cref="RouteMethod"/>), once routed.</summary>
    public string? RouteMethod { get; internal set; }

    /// <summary>Gets why the model was chosen, in short ASCII (the <c>x-threadsync-route-reason</c> header), once routed.</summary>
    public string? RouteReason { get; internal set; }

    /// <summary>Gets the usage and cost of the router model's call, when an LLM router chose the model (billed to the same caller).</summary>
    public GatewayUsage? RouterUsage { get; internal set; }

    /// <summary>Gets the retired model the caller named when the gateway served its replacement instead.</summary>
    public string? RemappedFrom { get; internal set; }

    /// <summary>Gets the attempts that did not serve the request (failed upstream calls and skipped providers), in order.</summary>
    public IReadOnlyList<GatewayAttempt> FailedAttempts => _failedAttempts ?? (IReadOnlyList<GatewayAttempt>)[];

    /// <summary>Gets the usage and cost, once the provider reported them.</summary>
    public GatewayUsage? Usage { get; internal set; }

    /// <summary>
    /// Gets or sets the endpoint the request came through (<c>/v1/chat/completions</c>), for the usage ledger. Set by
    /// the endpoint; <c>in-process</c> otherwise.
    /// </summary>
    public string Endpoint { get; set; } = "in-process";

    /// <summary>Gets the caller's rate-limit state after the reservation (for <c>x-ratelimit-*</c> headers), for managed keys.</summary>
    public Storage.QuotaDecision? Quota { get; internal set; }

    /// <summary>
    /// Gets or sets a value indicating whether the host completes and appends the request's audit record itself. The
    /// HTTP layer sets it so the record carries the SHA-256 of the exact bytes received and sent: the pipeline then
    /// leaves the record it composed in <see cref="AuditRecord"/> when the request ends instead of appending it.
    /// </summary>
    public bool HostAppendsAudit { get; set; }

    /// <summary>
    /// Gets the request's audit record once the pipeline ended the request: as appended to the chain (with its
    /// sequence and hash) for in-process calls, or as composed for the host to complete and append when
    /// <see cref="HostAppendsAudit"/> is set.
    /// </summary>
    public Audit.AuditRecord? AuditRecord { get; internal set; }

    /// <summary>
    /// Gets the settlement of the request's quota reservation (its usage record), started when the request ended; a
    /// completed task until then, and it never faults (a failure is logged). The pipeline awaits it after appending an
    /// in-process call's audit record; a host that appends the record itself (<see cref="HostAppendsAudit"/>) awaits it
    /// after its append: the settlement overlaps the response and the record, and the request ends only once both are written.
    /// </summary>
    public Task Settled { get; internal set; } = Task.CompletedTask;

    /// <summary>Gets the verdict the usage record was written with, when one was.</summary>
    internal string? RecordedVerdict { get; set; }

    /// <summary>Gets the status the usage record was written with, when one was.</summary>
    internal int? RecordedStatus { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether the request may reach a provider at most once (the caller sent an
    /// idempotency key). Then, after an attempt whose outcome is unknown (a timeout after sending, a connection broken
    /// mid-response), the gateway neither retries nor falls back: the request fails with <see cref="FailureOutcome.Uncertain"/>.
    /// </summary>
    public bool AtMostOnce { get; set; }

    /// <summary>
    /// Gets what the request's failure means for running it again, once it failed (a stream: once it ended without
    /// finishing); <see langword="null"/> while it has not failed.
    /// </summary>
    public FailureOutcome? FailureOutcome { get; internal set; }

    /// <summary>Gets or sets a value indicating whether an upstream attempt ended without the gateway learning whether the provider executed it.</summary>
    internal bool UpstreamOutcomeUnknown { get; set; }

    /// <summary>Gets or sets a value indicating whether an upstream attempt is under way (sent, or being sent, and not answered).</summary>
    internal bool AttemptInFlight { get; set; }

    /// <summary>Gets the model name the caller asked for, as sent (for the usage record of a request refused before routing).</summary>
    internal string? RequestedModel { get; set; }

    /// <summary>Gets or sets a value indicating whether the request's usage record was written (once per request).</summary>
    internal bool UsageRecorded { get; set; }

    /// <summary>Gets the id of the quota reservation held for the request, until it is settled.</summary>
    internal string? ReservationId { get; set; }

    /// <summary>Gets when the pipeline started on the request (a <see cref="TimeProvider.GetTimestamp"/> value).</summary>
    internal long StartTimestamp { get; set; }

    /// <summary>Gets when the request arrived.</summary>
    internal DateTimeOffset StartedAt { get; set; }

    /// <summary>Creates a new correlation id: 32 lowercase hex characters, time-ordered.</summary>
    /// <returns>The id.</returns>
    public static string NewCorrelationId() => Guid.CreateVersion7().ToString("N");

    internal void AddFailedAttempt(GatewayAttempt attempt) => (_failedAttempts ??= []).Add(attempt);
}
