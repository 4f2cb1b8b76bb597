namespace ThreadSync.Gateway.Governance;

/// <summary>
/// An org's rules for all its keys. They override the keys' own: a model must pass both the org's and the key's
/// access rules, and each key limit is lowered to the org's cap where the cap is stricter (a key without a limit
/// of that kind gets the cap).
/// </summary>
public sealed record OrgPolicy
{
    /// <summary>Gets a policy that restricts nothing.</summary>
    public static OrgPolicy None { get; } = new();

    /// <summary>Gets the providers and models every key of the org is restricted to.</summary>
    public AccessRules Access { get; init; } = AccessRules.AllowAll;

    /// <summary>Gets the ceilings on each key's own limits.</summary>
    public QuotaLimits KeyLimitCaps { get; init; } = QuotaLimits.None;

    /// <summary>
    /// Gets a value indicating whether the prompt and response content of the org's requests is kept beside the audit
    /// chain (for <see cref="AuditContentRetentionDays"/> days). Off by default: the chain then holds only their SHA-256
    /// hashes. Kept content is outside the hashed records, so purging it never breaks verification.
    /// </summary>
    public bool AuditContent { get; init; }

    /// <summary>Gets how many days kept content lives before it is purged (1 to 3650; 30 by default).</summary>
    public int AuditContentRetentionDays { get; init; } = DefaultAuditContentRetentionDays;

    /// <summary>The default of <see cref="AuditContentRetentionDays"/>.</summary>
    public const int DefaultAuditContentRetentionDays = 30;

    /// <summary>
    /// Gets what the gateway keeps of the conversations the org's clients open (by naming one in a request).
    /// <see cref="Governance.ConversationCapture.Full"/> by default, so conversation memory works; each conversation is
    /// private to its owner unless shared. An org that must keep nothing sets <see cref="Governance.ConversationCapture.Off"/>.
    /// </summary>
    public ConversationCapture ConversationCapture { get; init; } = ConversationCapture.Full;

    /// <summary>
    /// Gets how many days a conversation is kept after its last turn before it is purged (1 to 3650), or
    /// <see langword="null"/> (the default) to keep conversations until they are deleted.
    /// </summary>
    public int? ConversationRetentionDays { get; init; }
}
