namespace ThreadSync.Gateway.Storage;

/// <summary>
/// The outcome of <see cref="IQuotaStore.ReserveAsync"/>: granted, or the first limit that refused, with how long until
/// it could pass. Also carries the request and token rate state of the tightest scope for <c>x-ratelimit-*</c> headers.
/// </summary>
public sealed record QuotaDecision
{
    /// <summary>Gets a value indicating whether the reservation was taken.</summary>
    public required bool Granted { get; init; }

    /// <summary>Gets the scope kind whose limit refused the reservation.</summary>
    public QuotaScopeKind? DeniedScope { get; init; }

    /// <summary>Gets the id of the scope whose limit refused the reservation.</summary>
    public string? DeniedScopeId { get; init; }

    /// <summary>Gets the limit that refused it.</summary>
    public QuotaLimitKind? DeniedLimit { get; init; }

    /// <summary>Gets when the refused request could pass: rate limits when enough of the hour has slid by, budgets at the next UTC day or month.</summary>
    public TimeSpan RetryAfter { get; init; }

    /// <summary>Gets the request rate of the scope with the fewest requests left (limit, remaining, time until a slot frees), when any scope limits requests.</summary>
    public QuotaRate? Requests { get; init; }

    /// <summary>Gets the token rate of the scope with the fewest tokens left, when any scope limits tokens per hour.</summary>
    public QuotaRate? Tokens { get; init; }
}
