namespace ThreadSync.Gateway.Storage;

/// <summary>One admin action. Never holds a secret: keys appear by id, secrets not at all.</summary>
public sealed record AdminAuditEntry
{
    /// <summary>Gets when the action was taken.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>Gets the request's correlation id.</summary>
    public required string CorrelationId { get; init; }

    /// <summary>Gets who acted (the admin credential's id).</summary>
    public required string Actor { get; init; }

    /// <summary>Gets the action (<c>org.create</c>, <c>key.rotate</c>, <c>key.revoke</c>).</summary>
    public required string Action { get; init; }

    /// <summary>Gets the target's id.</summary>
    public required string TargetId { get; init; }

    /// <summary>Gets the request's outcome status.</summary>
    public int StatusCode { get; init; }

    /// <summary>Gets details as compact JSON (the changed fields), or <see langword="null"/>.</summary>
    public string? Details { get; init; }
}
