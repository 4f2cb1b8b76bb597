namespace ThreadSync.Gateway.Storage.Sqlite;

/// <summary>Creates the SQLite stores: the embedded default, one database file in WAL mode.</summary>
public static class SqliteStores
{
    /// <summary>Creates the stores of one SQLite database.</summary>
    /// <param name="connectionString">A <c>Microsoft.Data.Sqlite</c> connection string (<c>Data Source=threadsync.db</c>). The file's folder is created if missing; <c>:memory:</c> gives a database that lives as long as the stores.</param>
    /// <param name="timeProvider">The clock quotas count by (sliding hours, UTC days and months, hold expiry).</param>
    /// <returns>The stores, over one shared connection manager. The schema is migrated on first use, or by <see cref="GatewayStores.Migrator"/>; the migrator is also <see cref="IDisposable"/> and closes the connections.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="connectionString"/> or <paramref name="timeProvider"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is empty or invalid.</exception>
    public static GatewayStores Create(string connectionString, TimeProvider timeProvider) =>
        Create(connectionString, timeProvider, AuditDurability.Synced);

    /// <summary>Creates the stores of one SQLite database, with audit appends acknowledged as <paramref name="auditDurability"/> says.</summary>
    /// <param name="connectionString">As <see cref="Create(string, TimeProvider)"/>.</param>
    /// <param name="timeProvider">The clock quotas count by.</param>
    /// <param name="auditDurability">When an audit append completes: after the write-ahead log's fsync, or at the commit.</param>
    /// <returns>The stores, as <see cref="Create(string, TimeProvider)"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="connectionString"/> or <paramref name="timeProvider"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is empty or invalid.</exception>
    public static GatewayStores Create(string connectionString, TimeProvider timeProvider, AuditDurability auditDurability) =>
        Create(new SqliteDatabase(connectionString, timeProvider), auditDurability);

    /// <summary>
    /// Opens the stores of an existing database without ever creating or migrating its schema: for tools that read it,
    /// such as an auditor verifying the audit chain. A file that is missing is not created when the connection string
    /// says <c>Mode=ReadWrite</c> or <c>Mode=ReadOnly</c>; a schema without the tables a store needs fails on first use.
    /// </summary>
    /// <param name="connectionString">A <c>Microsoft.Data.Sqlite</c> connection string.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <returns>The stores; dispose them to close the connections.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="connectionString"/> or <paramref name="timeProvider"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is empty or invalid.</exception>
    public static GatewayStores OpenExisting(string connectionString, TimeProvider timeProvider)
    {
        var db = new SqliteDatabase(connectionString, timeProvider);
        db.SkipMigration();
        return Create(db, AuditDurability.Synced);
    }

    private static GatewayStores Create(SqliteDatabase db, AuditDurability auditDurability)
    {
        return new GatewayStores(new SqliteGovernanceStore(db), new SqliteQuotaStore(db), new SqliteUsageLedger(db), new SqliteAdminAuditLog(db), db, new SqliteAuditChain(db, auditDurability), new SqliteIdempotencyStore(db), new SqliteConversationStore(db), new SqliteSessionStore(db));
    }
}
