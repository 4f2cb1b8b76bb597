using ThreadSync.Gateway.Storage;
using ThreadSync.Gateway.Storage.Postgres;

namespace ThreadSync.Gateway.Tests.Storage;

/// <summary>The store conformance suite on PostgreSQL: a fresh database per store, dropped after the test.</summary>
public sealed class PostgresStoreConformanceTests : StoreConformanceTests, IAsyncDisposable
{
    private readonly List<PostgresTestDatabase> _databases = [];
    private readonly List<GatewayStores> _opened = [];

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
        var stores = PostgresStores.Create(database.ConnectionString, timeProvider);
        _opened.Add(stores);
        await stores.Migrator.MigrateAsync(Ct);
        return stores;
    }
}
