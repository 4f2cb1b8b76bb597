namespace ThreadSync.Gateway.Storage.Sqlite;

/// <summary>When a queued SQLite write completes, and so what it survives once its caller was told it is done.</summary>
internal enum SqliteWriteDurability
{
    /// <summary>At its commit: the write-ahead log holds it, so it survives a crash of the process; later fsyncs (or checkpoints) make it survive power loss.</summary>
    Committed,

    /// <summary>At its commit, as <see cref="Committed"/>, and an fsync of the log is started at once without waiting for it: power loss can take only what the running fsync had not covered.</summary>
    CommittedSyncing,

    /// <summary>Once the log was fsynced after its commit: it survives power loss, and so does everything committed before it.</summary>
    Synced,
}
