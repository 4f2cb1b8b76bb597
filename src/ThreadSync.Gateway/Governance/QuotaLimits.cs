namespace ThreadSync.Gateway.Governance;

/// <summary>
/// The limits of one quota scope (a key, a team or an org). Every limit is optional: <see langword="null"/> means no
/// limit of that kind. Rate limits count over a sliding hour; budgets over the UTC calendar day and month.
/// </summary>
public sealed record QuotaLimits
{
    /// <summary>Gets no limits at all.</summary>
    public static QuotaLimits None { get; } = new();

    /// <summary>Gets the most requests in any sliding hour.</summary>
    public long? RequestsPerHour { get; init; }

    /// <summary>Gets the most tokens (input and output) in any sliding hour.</summary>
    public long? TokensPerHour { get; init; }

    /// <summary>Gets the most USD spent per UTC day.</summary>
    public decimal? DailyUsd { get; init; }

    /// <summary>Gets the most USD spent per UTC month.</summary>
    public decimal? MonthlyUsd { get; init; }

    /// <summary>Gets the most tokens per UTC day.</summary>
    public long? DailyTokens { get; init; }

    /// <summary>Gets the most tokens per UTC month.</summary>
    public long? MonthlyTokens { get; init; }

    /// <summary>Gets a value indicating whether any limit is set.</summary>
    public bool Any => RequestsPerHour is not null || TokensPerHour is not null || DailyUsd is not null
        || MonthlyUsd is not null || DailyTokens is not null || MonthlyTokens is not null;

    /// <summary>Gets a value indicating whether a token or spending limit is set (reservations then need a bounded output).</summary>
    public bool LimitsConsumption => TokensPerHour is not null || DailyUsd is not null || MonthlyUsd is not null
        || DailyTokens is not null || MonthlyTokens is not null;

    /// <summary>Gets these limits with each one lowered to <paramref name="caps"/>' where that is stricter.</summary>
    /// <param name="caps">The ceilings (an org policy's per-key caps).</param>
    /// <returns>The capped limits.</returns>
    public QuotaLimits CappedBy(QuotaLimits caps)
    {
        ArgumentNullException.ThrowIfNull(caps);
        return new QuotaLimits
        {
            RequestsPerHour = Min(RequestsPerHour, caps.RequestsPerHour),
            TokensPerHour = Min(TokensPerHour, caps.TokensPerHour),
            DailyUsd = Min(DailyUsd, caps.DailyUsd),
            MonthlyUsd = Min(MonthlyUsd, caps.MonthlyUsd),
            DailyTokens = Min(DailyTokens, caps.DailyTokens),
            MonthlyTokens = Min(MonthlyTokens, caps.MonthlyTokens),
        };
    }

    private static long? Min(long? a, long? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);

    private static decimal? Min(decimal? a, decimal? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);
}
