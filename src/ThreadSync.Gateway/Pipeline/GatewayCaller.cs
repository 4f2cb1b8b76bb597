namespace ThreadSync.Gateway;

/// <summary>The authenticated identity a request runs as.</summary>
/// <param name="KeyId">A stable, non-secret id of the credential (never the key itself).</param>
/// <param name="DisplayName">A human-readable name for logs and audit.</param>
public sealed record GatewayCaller(string KeyId, string DisplayName)
{
    /// <summary>Gets the organization the caller belongs to, whose policies (routing, models, budgets) apply; <see langword="null"/> for none.</summary>
    public string? OrgId { get; init; }

    /// <summary>Gets the team the caller's key belongs to, if any.</summary>
    public string? TeamId { get; init; }

    /// <summary>Gets the environment label of the caller's key (<c>production</c>, <c>staging</c>), if any.</summary>
    public string? Environment { get; init; }

    /// <summary>
    /// Gets how long the prompt and response content of the caller's requests is kept beside the audit chain, when the
    /// caller's org opted in (<see cref="Governance.OrgPolicy.AuditContent"/>); <see langword="null"/> keeps only their
    /// hashes.
    /// </summary>
    public TimeSpan? AuditContentRetention { get; init; }

    /// <summary>
    /// Gets the subject the caller acts for, which owns the conversations it starts: the key's id unless set (a browser
    /// session's end user, for instance). Conversations are private to their org and subject.
    /// </summary>
    public string SubjectId
    {
        get => field ?? KeyId;
        init;
    }

    /// <summary>Gets the browser session the caller authenticated with (<c>ses_…</c>), or <see langword="null"/> for an API key.</summary>
    public string? SessionId { get; init; }

    /// <summary>Gets the app client of the caller's browser session, or <see langword="null"/> for an API key.</summary>
    public string? AppClientId { get; init; }

    /// <summary>
    /// Gets what the gateway keeps of the caller's conversations (<see cref="Governance.OrgPolicy.ConversationCapture"/>
    /// of the caller's org). <see cref="Governance.ConversationCapture.Full"/> for callers without an org (the host
    /// application's in-process calls): they asked for memory by naming a conversation.
    /// </summary>
    public ThreadSync.Gateway.Governance.ConversationCapture ConversationCapture { get; init; } = ThreadSync.Gateway.Governance.ConversationCapture.Full;

    /// <summary>
    /// Gets the access rules and quota scopes enforced on the caller's requests, for managed keys; <see langword="null"/>
    /// for callers the gateway does not govern (in-process calls of the host application).
    /// </summary>
    internal Governance.Internal.CallerGovernance? Governance { get; init; }

    /// <summary>Gets the caller used for in-process calls through the gateway's <c>IChatClient</c>.</summary>
    public static GatewayCaller InProcess { get; } = new("in-process", "In-process application");
}
