namespace ThreadSync.Gateway.Audit;

/// <summary>
/// One record of the tamper-evident audit chain: an inference request (<see cref="AuditKinds.Inference"/>) or an admin
/// action (<see cref="AuditKinds.Admin"/>). Never holds a secret: keys appear by id only.
/// </summary>
/// <remarks>
/// <para>Each record's <see cref="Hash"/> is SHA-256 over its <see cref="PreviousHash"/> followed by its canonical
/// encoding (<see cref="AuditCanonicalEncoding"/>: every property below except <see cref="PreviousHash"/>,
/// <see cref="Hash"/> and <see cref="Content"/>, in a fixed order). Sequence numbers start at 0 with a genesis record
/// whose previous hash is 32 zero bytes. <c>docs/audit.md</c> specifies the encoding for independent verifiers.</para>
/// <para>When appending, <see cref="Sequence"/>, <see cref="PreviousHash"/> and <see cref="Hash"/> are ignored (the
/// chain assigns them) and <see cref="At"/> is truncated to whole microseconds (what every store keeps).</para>
/// </remarks>
public sealed record AuditRecord
{
    /// <summary>Gets the position in the chain: 0 for the genesis record, then one more per record, without gaps.</summary>
    public long Sequence { get; init; }

    /// <summary>Gets when the request arrived or the action was taken (UTC, whole microseconds). Records are ordered by commit, not by this time.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>Gets what the record describes (see <see cref="AuditKinds"/>).</summary>
    public required string Kind { get; init; }

    /// <summary>Gets the request's correlation id (<c>x-request-id</c>).</summary>
    public string? CorrelationId { get; init; }

    /// <summary>Gets the API key's id (never the key): <c>in-process</c> for the host application's own calls, <see langword="null"/> when no valid key was presented.</summary>
    public string? KeyId { get; init; }

    /// <summary>Gets the key's org.</summary>
    public string? OrgId { get; init; }

    /// <summary>Gets the key's team.</summary>
    public string? TeamId { get; init; }

    /// <summary>Gets the endpoint (<c>/v1/chat/completions</c>, <c>in-process</c>) or, for admin actions, the admin route.</summary>
    public string? Endpoint { get; init; }

    /// <summary>Gets the catalog model that served (or was asked for), if known.</summary>
    public string? Model { get; init; }

    /// <summary>Gets the provider's wire id, if known.</summary>
    public string? Provider { get; init; }

    /// <summary>Gets how the model was chosen (<c>pinned</c>, <c>heuristic</c>, …), if routed.</summary>
    public string? RouteMethod { get; init; }

    /// <summary>Gets how the request ended (see <see cref="Storage.UsageVerdicts"/>); for admin actions, <c>ok</c> or <c>refused</c>.</summary>
    public string? Verdict { get; init; }

    /// <summary>Gets the input tokens billed.</summary>
    public long InputTokens { get; init; }

    /// <summary>Gets the output tokens billed.</summary>
    public long OutputTokens { get; init; }

    /// <summary>Gets the cost billed, in USD (exact).</summary>
    public decimal CostUsd { get; init; }

    /// <summary>Gets the gateway's time from arrival to the last byte, in milliseconds.</summary>
    public long LatencyMs { get; init; }

    /// <summary>Gets the HTTP status the client received (200 for a stream that started; 499 when the client went away first).</summary>
    public int StatusCode { get; init; }

    /// <summary>Gets how many provider attempts failed or were skipped before the one that answered (or before giving up).</summary>
    public int FallbackAttempts { get; init; }

    /// <summary>Gets the SHA-256 of the prompt (64 lowercase hex characters): of the request body bytes as received over HTTP.</summary>
    public string? PromptSha256 { get; init; }

    /// <summary>Gets the SHA-256 of the response (64 lowercase hex characters): of the response body bytes as sent over HTTP, streams included.</summary>
    public string? ResponseSha256 { get; init; }

    /// <summary>Gets who acted, for admin actions (the admin credential's id).</summary>
    public string? Actor { get; init; }

    /// <summary>Gets the admin action (<c>key.rotate</c>, <c>audit.verify</c>).</summary>
    public string? Action { get; init; }

    /// <summary>Gets the admin action's target id (<c>*</c> for a collection).</summary>
    public string? Target { get; init; }

    /// <summary>Gets the admin action's details as compact JSON (the fields it set; never a secret).</summary>
    public string? Details { get; init; }

    /// <summary>Gets the hash of the record before (64 lowercase hex characters; zeros for the genesis record).</summary>
    public string? PreviousHash { get; init; }

    /// <summary>Gets this record's hash (64 lowercase hex characters).</summary>
    public string? Hash { get; init; }

    /// <summary>Gets the content kept beside the chain for orgs that opted in, when appended with it or read with it; outside the hash.</summary>
    public AuditContent? Content { get; init; }
}
