namespace ThreadSync.Gateway.Storage.Postgres;

/// <summary>
/// The PostgreSQL backend: the stores several gateway instances share, enforcing rate limits and budgets across all of
/// them with row locks taken in a fixed order and the database server's clock.
/// </summary>
public static class PostgresStores
{
    /// <summary>Creates the stores of one PostgreSQL database. The schema is created or upgraded on first use (or by <see cref="GatewayStores.Migrator"/>).</summary>
    /// <param name="connectionString">An Npgsql connection string (<c>Host=…;Database=…;Username=…;Password=…</c>).</param>
    /// <param name="timeProvider">
    /// The clock: pass <see cref="TimeProvider.System"/> to use the database server's clock (<c>now()</c>), the same for
    /// every instance; any other provider (a test's fake clock) is passed to each statement instead.
    /// </param>
    /// <returns>The stores, sharing one connection pool.</returns>
    public static GatewayStores Create(string connectionString, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var database = new PostgresDatabase(PostgresDatabase.CreateDataSource(connectionString), timeProvider);
        return new GatewayStores(
            new PostgresGovernanceStore(database),
            new PostgresQuotaStore(database),
            new PostgresUsageLedger(database),
            new PostgresAdminAuditLog(database),
            database,
            new PostgresIdempotencyStore(database));
    }
}
