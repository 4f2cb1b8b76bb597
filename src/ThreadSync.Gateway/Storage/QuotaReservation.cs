namespace ThreadSync.Gateway.Storage;

/// <summary>A hold on every scope of a request, for its worst case, taken before the upstream call.</summary>
/// <param name="Id">A unique id (the request's correlation id serves).</param>
/// <param name="Scopes">The key, team and org scopes to draw from, all or none.</param>
/// <param name="Tokens">The most tokens the request can use: estimated input plus the output ceiling.</param>
/// <param name="CostNanoUsd">The most it can cost, in billionths of a USD.</param>
/// <param name="HoldFor">How long the hold lasts unsettled before the store releases it itself (a crashed instance's holds).</param>
public sealed record QuotaReservation(string Id, IReadOnlyList<QuotaScope> Scopes, long Tokens, long CostNanoUsd, TimeSpan HoldFor);
