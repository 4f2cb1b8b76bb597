using Npgsql;
using ThreadSync.Gateway.Storage;
using ThreadSync.Gateway.Storage.Postgres;

namespace ThreadSync.Gateway.Tests.Storage;

/// <summary>The store conformance suite on PostgreSQL: a fresh database per store, dropped after the test.</summary>
public sealed class PostgresStoreConformanceTests : StoreConformanceTests, IAsyncDisposable
{
    private readonly List<PostgresTestDatabase> _databases = [];
    private readonly List<GatewayStores> _opened = [];
    private readonly Dictionary<GatewayStores, string> _connectionStrings = new(ReferenceEqualityComparer.Instance);

    public async ValueTask DisposeAsync()
    {
        foreach (var stores in _opened)
        {
            await ((IAsyncDisposable)stores.Migrator).DisposeAsync();
        }

        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }
    }

    protected override async Task<GatewayStores> CreateStoresAsync(TimeProvider timeProvider)
    {
        var database = await PostgresTestServer.CreateDatabaseAsync();
        _databases.Add(database);
        var stores = Open(database.ConnectionString, timeProvider);
        await stores.Migrator.MigrateAsync(Ct);
        return stores;
    }

    protected override async Task ExecuteSqlAsync(GatewayStores stores, string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionStrings[stores]);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }

    protected override string BlobLiteral(string hex) => $"'\\x{hex}'::bytea";

    protected override async Task<GatewayStores> OpenAnotherInstanceAsync(GatewayStores stores, AuditDurability auditDurability = AuditDurability.Synced)
    {
        var other = Open(_connectionStrings[stores], TimeProvider.System, auditDurability);
        await other.Migrator.MigrateAsync(Ct);
        return other;
    }

    private GatewayStores Open(string connectionString, TimeProvider timeProvider, AuditDurability auditDurability = AuditDurability.Synced)
    {
        var stores = PostgresStores.Create(connectionString, timeProvider, auditDurability);
        _opened.Add(stores);
        _connectionStrings[stores] = connectionString;
        return stores;
    }
}
