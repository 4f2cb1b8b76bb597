using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using ThreadSync.Gateway.Governance;
using ThreadSync.Gateway.Storage;
using ThreadSync.Gateway.Storage.Sqlite;

namespace ThreadSync.Gateway.Tests.Storage;

/// <summary>The store conformance suite on SQLite (a temp file per database), plus what only SQLite has: files, several stores on one file, lazy migration.</summary>
public sealed class SqliteStoreConformanceTests : StoreConformanceTests, IAsyncDisposable
{
    // A folder that does not exist yet: creating it is the store's job.
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "threadsync-store-tests", Guid.NewGuid().ToString("N"), "nested");
    private readonly List<GatewayStores> _opened = [];

    [Fact]
    public async Task Create_MissingFolder_IsCreatedWithAWalDatabase()
    {
        var path = NewPath();

        var stores = Open(path);
        await stores.Migrator.MigrateAsync(Ct);

        Assert.True(File.Exists(path));
        Assert.Equal("wal", Scalar<string>(path, "PRAGMA journal_mode"));
        Assert.Equal(1L, Scalar<long>(path, "SELECT COUNT(*) FROM schema_version"));
    }

    [Fact]
    public async Task Stores_WithoutMigrate_MigrateOnFirstUse()
    {
        var path = NewPath();
        var stores = Open(path);

        Assert.Null(await stores.Governance.GetOrgAsync("acme", Ct));
        Assert.True(await Open(path).Governance.CreateOrgAsync(new Org { Id = "acme", Name = "Acme", CreatedAt = T0 }, Ct));

        Assert.NotNull(await stores.Governance.GetOrgAsync("acme", Ct));
    }

    [Fact]
    public async Task Migrate_ManyInstancesAtOnce_AllSucceedAndApplyEachVersionOnce()
    {
        var path = NewPath();
        var instances = Enumerable.Range(0, 8).Select(_ => Open(path)).ToArray();

        await RaceAsync(instances.Length, async i =>
        {
            await instances[i].Migrator.MigrateAsync(Ct);
            return true;
        });

        Assert.Equal(1L, Scalar<long>(path, "SELECT COUNT(*) FROM schema_version"));
        foreach (var instance in instances)
        {
            Assert.Equal(new QuotaCounts(0, 0, 0, 0, 0, 0), await instance.Quotas.GetCountsAsync(QuotaScopeKind.Key, "k", Ct));
        }
    }

    [Fact]
    public async Task Migrate_NewerSchemaThanKnown_Throws()
    {
        var path = NewPath();
        await Open(path).Migrator.MigrateAsync(Ct);
        Scalar<long>(path, "INSERT INTO schema_version (version, applied_at) VALUES (999, 0); SELECT 0");

        await Assert.ThrowsAsync<InvalidOperationException>(() => Open(path).Migrator.MigrateAsync(Ct));
    }

    [Fact]
    public async Task Reserve_TwoInstancesOnOneFile_GrantExactlyTheLimitTogether()
    {
        var path = NewPath();
        var time = new FakeTimeProvider(T0);
        var first = Open(path, time);
        var second = Open(path, time);
        await first.Migrator.MigrateAsync(Ct);
        var scopes = Scopes(key: new QuotaLimits { RequestsPerHour = 25 }, org: new QuotaLimits { DailyTokens = 1_000 });

        var decisions = await RaceAsync(100, i => (i % 2 == 0 ? first : second).Quotas.ReserveAsync(new QuotaReservation($"r{i}", scopes, 10, 0, TimeSpan.FromHours(1)), Ct).AsTask());

        Assert.Equal(25, decisions.Count(d => d.Granted));
        Assert.Equal(new QuotaCounts(25, 250, 250, 250, 0, 0), await second.Quotas.GetCountsAsync(QuotaScopeKind.Org, "acme", Ct));
        var settled = await RaceAsync(100, i => (i % 2 == 0 ? second : first).Quotas.SettleAsync($"r{i}", Record($"r{i}", T0, 1, 0, 0m), Ct).AsTask());
        Assert.Equal(25, settled.Count(s => s));
        Assert.Equal(new QuotaCounts(25, 25, 25, 25, 0, 0), await first.Quotas.GetCountsAsync(QuotaScopeKind.Key, "key_a", Ct));
        Assert.Equal(100, (await ReadAllAsync(first.Usage, new UsageFilter())).Count);
    }

    [Fact]
    public async Task Create_MemoryDataSource_IsSharedByTheStoresConnections()
    {
        var stores = SqliteStores.Create("Data Source=:memory:", new FakeTimeProvider(T0));
        _opened.Add(stores);
        var other = SqliteStores.Create("Data Source=:memory:", new FakeTimeProvider(T0));
        _opened.Add(other);

        await SeedAsync(stores.Governance);

        Assert.Equal("key_a", (await stores.Governance.FindCredentialAsync(Hash("key_a"), T0, Ct))?.Key.Id);
        Assert.Empty(await other.Governance.ListOrgsAsync(Ct));
    }

    public ValueTask DisposeAsync()
    {
        foreach (var stores in _opened)
        {
            ((IDisposable)stores.Migrator).Dispose();
        }

        try
        {
            Directory.Delete(Path.GetDirectoryName(_folder)!, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }

        return ValueTask.CompletedTask;
    }

    protected override async Task<GatewayStores> CreateStoresAsync(TimeProvider timeProvider)
    {
        var stores = Open(NewPath(), timeProvider);
        await stores.Migrator.MigrateAsync(Ct);
        return stores;
    }

    private static T Scalar<T>(string path, string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)command.ExecuteScalar()!;
    }

    private string NewPath() => Path.Combine(_folder, $"gateway-{_opened.Count}-{Guid.NewGuid():N}.db");

    private GatewayStores Open(string path, TimeProvider? time = null)
    {
        var stores = SqliteStores.Create($"Data Source={path}", time ?? new FakeTimeProvider(T0));
        _opened.Add(stores);
        return stores;
    }
}
