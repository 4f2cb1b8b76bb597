namespace ThreadSync.Gateway;

/// <summary>When an audit record counts as written, so when the response it describes may complete (<c>ThreadSync:Audit:Durability</c>).</summary>
public enum AuditDurability
{
    /// <summary>
    /// Once the record is on disk: it survives power loss. Every non-streaming response waits for an fsync (shared by all
    /// records committed meanwhile), about a millisecond on a virtual machine's disk and more under load.
    /// </summary>
    Synced,

    /// <summary>
    /// Once the record is committed: it survives a crash of the gateway process (SQLite: in the write-ahead log, with an
    /// fsync started at once and not waited for; PostgreSQL: <c>synchronous_commit = off</c> for the audit transaction,
    /// so the server flushes it within <c>wal_writer_delay</c>). Power loss (or a database server crash) can lose the
    /// last records written before it, never a record in the middle: the chain still verifies, ending earlier.
    /// </summary>
    Committed,
}
