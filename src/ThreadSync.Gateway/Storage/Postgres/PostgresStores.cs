using Npgsql;

namespace ThreadSync.Gateway.Storage.Postgres;

/// <summary>
/// The PostgreSQL backend: the stores several gateway instances share, enforcing rate limits and budgets across all of
/// them with row locks taken in a fixed order and the database server's clock.
/// </summary>
public static class PostgresStores
{
    /// <summary>Creates the stores of one PostgreSQL database, over a connection pool of their own.</summary>
    /// <param name="connectionString">An Npgsql connection string (<c>Host=…;Database=…;Username=…;Password=…</c>).</param>
    /// <param name="timeProvider">
    /// The clock: pass <see cref="TimeProvider.System"/> to use the database server's clock (<c>now()</c>), the same for
    /// every instance; any other provider (a test's fake clock) is passed to each statement instead.
    /// </param>
    /// <returns>
    /// The stores. The schema is created or upgraded on first use, or by <see cref="GatewayStores.Migrator"/>; the
    /// migrator is also <see cref="IDisposable"/> and <see cref="IAsyncDisposable"/>, and closes the pool.
    /// </returns>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is empty or invalid.</exception>
    public static GatewayStores Create(string connectionString, TimeProvider timeProvider) =>
        Create(connectionString, timeProvider, AuditDurability.Synced);

    /// <summary>Creates the stores of one PostgreSQL database, with audit appends acknowledged as <paramref name="auditDurability"/> says.</summary>
    /// <param name="connectionString">As <see cref="Create(string, TimeProvider)"/>.</param>
    /// <param name="timeProvider">The clock, as for <see cref="Create(string, TimeProvider)"/>.</param>
    /// <param name="auditDurability">
    /// When an audit append completes: once the server flushed it (the server's <c>synchronous_commit</c>), or at the
    /// commit with <c>synchronous_commit = off</c> for the audit transaction.
    /// </param>
    /// <returns>The stores, as <see cref="Create(string, TimeProvider)"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is empty or invalid.</exception>
    public static GatewayStores Create(string connectionString, TimeProvider timeProvider, AuditDurability auditDurability)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(timeProvider);
        return Create(new PostgresDatabase(PostgresDatabase.CreateDataSource(connectionString), timeProvider, ownsDataSource: true), auditDurability);
    }

    /// <summary>
    /// Opens the stores of an existing database without ever creating or migrating its schema: for tools that only read
    /// it, such as an auditor verifying the audit chain with a read-only role. A schema without the tables a store needs
    /// fails on first use.
    /// </summary>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="timeProvider">The clock, as for <see cref="Create(string, TimeProvider)"/>.</param>
    /// <returns>The stores; dispose them to close the pool.</returns>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is empty or invalid.</exception>
    public static GatewayStores OpenExisting(string connectionString, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var database = new PostgresDatabase(PostgresDatabase.CreateDataSource(connectionString), timeProvider, ownsDataSource: true);
        database.SkipMigration();
        return Create(database, AuditDurability.Synced);
    }

    /// <summary>
    /// Creates the stores over a data source the caller built and owns (for a password provider, say). It needs arrays
    /// enabled, which <see cref="NpgsqlDataSourceBuilder"/> has and <see cref="NpgsqlSlimDataSourceBuilder"/> gets from
    /// <see cref="NpgsqlSlimDataSourceBuilder.EnableArrays"/>.
    /// </summary>
    /// <param name="dataSource">The data source; disposing the migrator leaves it open.</param>
    /// <param name="timeProvider">The clock, as for <see cref="Create(string, TimeProvider)"/>.</param>
    /// <returns>The stores.</returns>
    public static GatewayStores Create(NpgsqlDataSource dataSource, TimeProvider timeProvider) =>
        Create(new PostgresDatabase(dataSource, timeProvider, ownsDataSource: false), AuditDurability.Synced);

    private static GatewayStores Create(PostgresDatabase database, AuditDurability auditDurability) => new(
        new PostgresGovernanceStore(database),
        new PostgresQuotaStore(database),
        new PostgresUsageLedger(database),
        new PostgresAdminAuditLog(database),
        database,
        new PostgresAuditChain(database, auditDurability),
        new PostgresIdempotencyStore(database),
        new PostgresConversationStore(database),
        new PostgresSessionStore(database));
}
