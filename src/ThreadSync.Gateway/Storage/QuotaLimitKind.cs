namespace ThreadSync.Gateway.Storage;

/// <summary>Which limit refused a reservation.</summary>
public enum QuotaLimitKind
{
    /// <summary>Requests per sliding hour.</summary>
    RequestsPerHour,

    /// <summary>Tokens per sliding hour.</summary>
    TokensPerHour,

    /// <summary>Tokens per UTC day.</summary>
    DailyTokens,

    /// <summary>Tokens per UTC month.</summary>
    MonthlyTokens,

    /// <summary>USD per UTC day.</summary>
    DailyUsd,

    /// <summary>USD per UTC month.</summary>
    MonthlyUsd,
}
