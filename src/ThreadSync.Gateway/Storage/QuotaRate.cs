namespace ThreadSync.Gateway.Storage;

/// <summary>A sliding-hour rate limit's state, after the reservation when it was granted.</summary>
/// <param name="Limit">The limit per hour.</param>
/// <param name="Remaining">What is left of it now.</param>
/// <param name="Reset">How long until the oldest counted use slides out of the hour.</param>
public sealed record QuotaRate(long Limit, long Remaining, TimeSpan Reset);
