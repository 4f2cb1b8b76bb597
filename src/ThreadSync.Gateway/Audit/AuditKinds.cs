namespace ThreadSync.Gateway.Audit;

/// <summary>What an audit record describes (<see cref="AuditRecord.Kind"/>).</summary>
public static class AuditKinds
{
    /// <summary>The chain's first record (sequence 0): describes nothing but the chain's start.</summary>
    public const string Genesis = "genesis";

    /// <summary>An inference request, however it ended (served, refused, failed, cancelled), on any endpoint or in-process.</summary>
    public const string Inference = "inference";

    /// <summary>An admin action (creating, updating, rotating or revoking; reading usage or the audit trail).</summary>
    public const string Admin = "admin";

    /// <summary>A browser-session event: a share code minted, an exchange (or its refusal), a session ended or revoked.</summary>
    public const string Session = "session";
}
