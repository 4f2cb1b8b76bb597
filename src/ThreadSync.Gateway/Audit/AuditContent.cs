namespace ThreadSync.Gateway.Audit;

/// <summary>
/// The prompt and response content of an inference request, kept beside the audit chain for orgs that opt in
/// (<see cref="Governance.OrgPolicy.AuditContent"/>) until <see cref="ExpiresAt"/>. Content is outside a record's hashed
/// canonical form (only its SHA-256 is inside), so purging it never breaks the chain; while it is kept, verification
/// checks it against the record's hashes.
/// </summary>
public sealed record AuditContent
{
    /// <summary>Gets the prompt bytes, exactly those <see cref="AuditRecord.PromptSha256"/> hashes, or <see langword="null"/>.</summary>
    public byte[]? Prompt { get; init; }

    /// <summary>Gets the response bytes, exactly those <see cref="AuditRecord.ResponseSha256"/> hashes, or <see langword="null"/>.</summary>
    public byte[]? Response { get; init; }

    /// <summary>Gets when the content is purged.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }
}
