namespace ThreadSync.Gateway.Storage;

/// <summary>The usage ledger: one record per request, and the queries behind usage reports and exports.</summary>
public interface IUsageLedger
{
    /// <summary>Appends a record that settles no reservation (a denied request, an ungoverned caller).</summary>
    ValueTask AppendAsync(UsageRecord record, CancellationToken cancellationToken = default);

    /// <summary>Reads the records matching a filter, oldest first.</summary>
    IAsyncEnumerable<UsageRecord> ReadAsync(UsageFilter filter, CancellationToken cancellationToken = default);

    /// <summary>Sums the records matching a filter, grouped by the given dimensions (in the database, not in memory).</summary>
    ValueTask<IReadOnlyList<UsageAggregate>> AggregateAsync(UsageFilter filter, UsageGrouping groupBy, CancellationToken cancellationToken = default);
}
