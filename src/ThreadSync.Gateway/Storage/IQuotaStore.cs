namespace ThreadSync.Gateway.Storage;

/// <summary>
/// Atomic rate-limit and budget reservations across key, team and org, on one instance or many sharing a database.
/// </summary>
/// <remarks>
/// <para><b>Semantics every implementation keeps</b> (the conformance suite checks them):</para>
/// <list type="bullet">
/// <item>A reservation draws from all its scopes or none. It is granted only if, for every scope and every limit
/// set, what is already counted plus this request stays within the limit: 1 request and <c>Tokens</c> against the
/// sliding hour, <c>Tokens</c> and <c>CostNanoUsd</c> against the UTC day and month. Counted means settled usage
/// plus outstanding holds, so racing requests can never together pass a limit.</item>
/// <item>The sliding hour is counted in one-minute slots, conservatively: the current minute and the 60 before it.
/// So no 60-minute interval ever holds more than the limit; a slot stops counting 61 minutes after it began.</item>
/// <item>Settling replaces the hold with the actual tokens and cost, in the same slot, day and month the hold was
/// counted in, and writes the usage record in the same transaction. The request itself stays counted against the
/// requests-per-hour limit. Settling twice, or an unknown id, changes nothing (returns <see langword="false"/>).</item>
/// <item>Holds not settled within their <see cref="QuotaReservation.HoldFor"/> are released by the store (their
/// request stays counted), so a crashed instance cannot lock a budget forever.</item>
/// <item>Time is the store's clock: the database server's for PostgreSQL (no skew between instances), the injected
/// <see cref="TimeProvider"/> for SQLite (one machine).</item>
/// <item>Scopes are locked in a fixed order (keys, teams, orgs; then by id), so concurrent reservations cannot deadlock.</item>
/// </list>
/// </remarks>
public interface IQuotaStore
{
    /// <summary>Reserves the worst case of a request on all its scopes, or refuses with the first limit that would be passed.</summary>
    ValueTask<QuotaDecision> ReserveAsync(QuotaReservation reservation, CancellationToken cancellationToken = default);

    /// <summary>Settles a reservation to the actual tokens and cost of <paramref name="record"/>, and appends the record to the usage ledger, atomically.</summary>
    /// <returns><see langword="false"/> when the reservation is unknown or already settled (the record is then appended on its own).</returns>
    ValueTask<bool> SettleAsync(string reservationId, UsageRecord record, CancellationToken cancellationToken = default);

    /// <summary>Gets what is counted against a scope now: requests and tokens in the sliding hour, tokens and cost today and this month.</summary>
    ValueTask<QuotaCounts> GetCountsAsync(QuotaScopeKind kind, string id, CancellationToken cancellationToken = default);
}
