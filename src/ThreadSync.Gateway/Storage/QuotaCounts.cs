namespace ThreadSync.Gateway.Storage;

/// <summary>What is counted against a scope (settled usage plus outstanding holds).</summary>
/// <param name="RequestsThisHour">Requests in the sliding hour.</param>
/// <param name="TokensThisHour">Tokens in the sliding hour.</param>
/// <param name="TokensToday">Tokens this UTC day.</param>
/// <param name="TokensThisMonth">Tokens this UTC month.</param>
/// <param name="CostNanoUsdToday">Cost this UTC day, in billionths of a USD.</param>
/// <param name="CostNanoUsdThisMonth">Cost this UTC month, in billionths of a USD.</param>
public sealed record QuotaCounts(long RequestsThisHour, long TokensThisHour, long TokensToday, long TokensThisMonth, long CostNanoUsdToday, long CostNanoUsdThisMonth);
