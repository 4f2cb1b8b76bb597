using ThreadSync.Gateway.Audit;

namespace ThreadSync.Gateway.Storage;

/// <summary>
/// The tamper-evident audit chain: every inference request and admin action as an <see cref="AuditRecord"/>, each
/// hashed over its canonical encoding and the previous record's hash, numbered without gaps from a genesis record.
/// </summary>
/// <remarks>
/// <para><b>Semantics every implementation keeps</b> (the conformance suite checks them):</para>
/// <list type="bullet">
/// <item><see cref="AppendAsync"/> completes only once the record is durably committed, with its sequence and hash.
/// Appends are group-committed: one writer per store instance drains a queue, takes the chain's head, hashes the
/// batch in order and inserts it in one transaction, so callers never serialize on each other's commits.</item>
/// <item>Several instances on one database (PostgreSQL servers; SQLite processes on one file) share one chain: each
/// batch locks the head inside its transaction, so sequences have no gaps and the chain no forks.</item>
/// <item>The genesis record (sequence 0, previous hash 32 zero bytes) is written with the first batch.</item>
/// <item>Content (<see cref="AuditRecord.Content"/>) is stored beside the chain, outside the hash, and purged after it
/// expires without affecting verification.</item>
/// </list>
/// </remarks>
public interface IAuditChain
{
    /// <summary>Appends a record; completes when it is durably committed.</summary>
    /// <param name="record">The record (its sequence and hashes are assigned; content, if any, is kept beside it).</param>
    /// <param name="cancellationToken">Stops waiting; a record already queued is still committed.</param>
    /// <returns>The committed record's sequence and hash.</returns>
    ValueTask<AuditHead> AppendAsync(AuditRecord record, CancellationToken cancellationToken = default);

    /// <summary>Gets the chain's head as the store recorded it, or <see langword="null"/> while the chain is empty.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The head.</returns>
    ValueTask<AuditHead?> GetHeadAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads records in sequence order, with their hashes.</summary>
    /// <param name="fromSequence">The first sequence number included.</param>
    /// <param name="toSequence">The last sequence number included, or <see langword="null"/> for the end.</param>
    /// <param name="includeContent">Whether to read kept content too.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The records.</returns>
    IAsyncEnumerable<AuditRecord> ReadAsync(long fromSequence = 0, long? toSequence = null, bool includeContent = false, CancellationToken cancellationToken = default);

    /// <summary>Lists the latest records of one kind, newest first.</summary>
    /// <param name="kind">The kind (see <see cref="AuditKinds"/>).</param>
    /// <param name="limit">The most records returned.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The records.</returns>
    ValueTask<IReadOnlyList<AuditRecord>> ListLatestAsync(string kind, int limit, CancellationToken cancellationToken = default);

    /// <summary>Verifies the whole chain (and kept content) in one consistent snapshot, against the recorded head.</summary>
    /// <param name="cancellationToken">Cancels the walk.</param>
    /// <returns>Valid with the record count and head, or the first bad record and why.</returns>
    ValueTask<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes kept content that expired at or before <paramref name="now"/>; the chain is untouched.</summary>
    /// <param name="now">The time to compare expiry with.</param>
    /// <param name="cancellationToken">Cancels the purge.</param>
    /// <returns>How many records' content was deleted.</returns>
    ValueTask<int> PurgeContentAsync(DateTimeOffset now, CancellationToken cancellationToken = default);
}
