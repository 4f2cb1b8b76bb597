namespace ThreadSync.Gateway.Storage.Postgres;

/// <summary>What a scope counts in the sliding hour, as <c>quota_reserve_v1</c> returns it.</summary>
/// <param name="Requests">The requests counted.</param>
/// <param name="Tokens">The tokens counted (settled and held).</param>
/// <param name="Slots">The minute slots that count anything (minutes since the Unix epoch), oldest first.</param>
/// <param name="SlotRequests">The requests of each slot.</param>
/// <param name="SlotTokens">The tokens of each slot.</param>
internal sealed record ScopeHour(long Requests, long Tokens, long[] Slots, long[] SlotRequests, long[] SlotTokens);
