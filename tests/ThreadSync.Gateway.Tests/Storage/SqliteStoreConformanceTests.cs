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
    private readonly Dictionary<GatewayStores, string> _paths = new(ReferenceEqualityComparer.Instance);

    [Fact]
    public async Task Create_MissingFolder_IsCreatedWithAWalDatabase()
    {
        var path = NewPath();

        var stores = Open(path);
        await stores.Migrator.MigrateAsync(Ct);

        Assert.True(File.Exists(path));
        Assert.Equal("wal", Scalar<string>(path, "PRAGMA journal_mode"));
        Assert.Equal((long)SqliteSchema.Migrations.Count, Scalar<long>(path, "SELECT COUNT(*) FROM schema_version"));
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

        Assert.Equal((long)SqliteSchema.Migrations.Count, Scalar<long>(path, "SELECT COUNT(*) FROM schema_version"));
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
    public async Task Reserve_InstancesOnOneFile_GrantEachLimitExactlyOnceTogether()
    {
        // Four stores on one file stand for four processes: only BEGIN IMMEDIATE keeps their check-then-write atomic.
        // Many keys with a limit of one request put every reservation at a limit's edge, where a race would show;
        // several rounds give a broken store many chances to show it.
        var path = NewPath();
        var time = new FakeTimeProvider(T0);
        var instances = Enumerable.Range(0, 4).Select(_ => Open(path, time)).ToArray();
        await instances[0].Migrator.MigrateAsync(Ct);
        const int Rounds = 8;
        const int Keys = 25;
        var perKey = instances.Length;

        for (var round = 0; round < Rounds; round++)
        {
            var decisions = await RaceAsync(Keys * perKey, i => instances[i % perKey].Quotas.ReserveAsync(
                new QuotaReservation(
                    $"r{round}-{i}",
                    [new(QuotaScopeKind.Key, $"key_{round}_{i / perKey}", new QuotaLimits { RequestsPerHour = 1 }), new(QuotaScopeKind.Org, "acme", new QuotaLimits { DailyTokens = 1_000_000 })],
                    10,
                    0,
                    TimeSpan.FromHours(1)),
                Ct).AsTask());

            for (var key = 0; key < Keys; key++)
            {
                Assert.Equal(1, decisions.Skip(key * perKey).Take(perKey).Count(d => d.Granted));
            }
        }

        var granted = Rounds * Keys;
        Assert.Equal(1, (await instances[3].Quotas.GetCountsAsync(QuotaScopeKind.Key, "key_7_24", Ct)).RequestsThisHour);
        Assert.Equal(new QuotaCounts(granted, granted * 10, granted * 10, granted * 10, 0, 0), await instances[1].Quotas.GetCountsAsync(QuotaScopeKind.Org, "acme", Ct));
        var settled = await RaceAsync(Keys * perKey, i => instances[(i + 1) % perKey].Quotas.SettleAsync($"r0-{i}", Record($"r0-{i}", T0, 1, 0, 0m), Ct).AsTask());
        Assert.Equal(Keys, settled.Count(s => s));
        Assert.Equal(granted * 10 - (Keys * 9), (await instances[2].Quotas.GetCountsAsync(QuotaScopeKind.Org, "acme", Ct)).TokensToday);
        Assert.Equal(Keys * perKey, (await ReadAllAsync(instances[3].Usage, new UsageFilter())).Count);
    }

    [Fact]
    public async Task Reserve_AnotherProcessCounted_TheCopyInMemoryIsNotTrusted()
    {
        // Each store keeps its counters in memory between reservations; one on the same file (another process) must
        // make it read them again, or it would grant past the limit from its own stale count.
        var path = NewPath();
        var time = new FakeTimeProvider(T0);
        var first = Open(path, time);
        var second = Open(path, time);
        var scopes = Scopes(key: new QuotaLimits { RequestsPerHour = 3 });

        Assert.True((await first.Quotas.ReserveAsync(new QuotaReservation("a1", scopes, 1, 0, Hold), Ct)).Granted);
        Assert.True((await second.Quotas.ReserveAsync(new QuotaReservation("b1", scopes, 1, 0, Hold), Ct)).Granted);
        Assert.True((await first.Quotas.ReserveAsync(new QuotaReservation("a2", scopes, 1, 0, Hold), Ct)).Granted);

        Assert.False((await first.Quotas.ReserveAsync(new QuotaReservation("a3", scopes, 1, 0, Hold), Ct)).Granted);
        Assert.False((await second.Quotas.ReserveAsync(new QuotaReservation("b2", scopes, 1, 0, Hold), Ct)).Granted);
        Assert.Equal(3, (await second.Quotas.GetCountsAsync(QuotaScopeKind.Key, "key_a", Ct)).RequestsThisHour);
    }

    [Fact]
    public async Task Settle_AfterAnotherProcessSettled_CountsStayExact()
    {
        var path = NewPath();
        var time = new FakeTimeProvider(T0);
        var first = Open(path, time);
        var second = Open(path, time);
        var scopes = Scopes(key: new QuotaLimits { DailyTokens = 1_000 });
        Assert.True((await first.Quotas.ReserveAsync(new QuotaReservation("a1", scopes, 100, 0, Hold), Ct)).Granted);
        Assert.Equal(100, (await first.Quotas.GetCountsAsync(QuotaScopeKind.Key, "key_a", Ct)).TokensToday);

        // The other process settles the hold to 10 tokens; the first must see 10, not its remembered 100.
        Assert.True(await second.Quotas.SettleAsync("a1", Record("a1", T0, 10, 0, 0m), Ct));

        Assert.Equal(10, (await first.Quotas.GetCountsAsync(QuotaScopeKind.Key, "key_a", Ct)).TokensToday);
        Assert.True((await first.Quotas.ReserveAsync(new QuotaReservation("a2", scopes, 990, 0, Hold), Ct)).Granted);
        Assert.False((await first.Quotas.ReserveAsync(new QuotaReservation("a3", scopes, 1, 0, Hold), Ct)).Granted);
    }

    [Fact]
    public async Task IdempotencyClaim_InstancesOnOneFile_ExactlyOneWinsEachKey()
    {
        // Four stores on one file stand for four processes: BEGIN IMMEDIATE makes each claim's read and write atomic.
        var path = NewPath();
        var time = new FakeTimeProvider(T0);
        var instances = Enumerable.Range(0, 4).Select(_ => Open(path, time)).ToArray();
        await instances[0].Migrator.MigrateAsync(Ct);
        const int Keys = 25;
        var claims = Enumerable.Range(0, Keys * instances.Length).Select(i => Claim($"key{i / instances.Length}")).ToArray();

        var results = await RaceAsync(claims.Length, i => instances[i % instances.Length].Idempotency.ClaimAsync(claims[i], Ct).AsTask());

        for (var key = 0; key < Keys; key++)
        {
            Assert.Equal(1, results.Skip(key * instances.Length).Take(instances.Length).Count(r => r.Status == IdempotencyClaimStatus.Claimed));
        }
    }

    [Fact]
    public async Task Reserve_OldSlotsDaysAndReleasedHolds_ArePruned()
    {
        var path = NewPath();
        var time = new FakeTimeProvider(T0);
        var stores = Open(path, time);
        var scopes = Scopes(key: new QuotaLimits { RequestsPerHour = 100 });
        for (var minute = 0; minute < 3; minute++)
        {
            await stores.Quotas.ReserveAsync(new QuotaReservation($"old{minute}", scopes, 1, 1, TimeSpan.FromHours(1)), Ct);
            time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.True(await stores.Quotas.SettleAsync("old0", Record("old0", T0, 1, 0, 0.000000001m), Ct));
        time.Advance(TimeSpan.FromDays(3));
        Assert.True((await stores.Quotas.ReserveAsync(new QuotaReservation("new", scopes, 1, 1, TimeSpan.FromHours(1)), Ct)).Granted);

        // Per scope: the new minute slot and today; the month is the same one. Unsettled old holds were released, then dropped.
        Assert.Equal(1L, Scalar<long>(path, "SELECT COUNT(*) FROM quota_counters WHERE scope_id = 'key_a' AND period = 'm'"));
        Assert.Equal(1L, Scalar<long>(path, "SELECT COUNT(*) FROM quota_counters WHERE scope_id = 'key_a' AND period = 'd'"));
        Assert.Equal(1L, Scalar<long>(path, "SELECT COUNT(*) FROM quota_counters WHERE scope_id = 'key_a' AND period = 'M'"));
        Assert.Equal("new", Scalar<string>(path, "SELECT group_concat(id) FROM reservations"));
        Assert.Equal(new QuotaCounts(1, 1, 1, 2, 1, 2), await stores.Quotas.GetCountsAsync(QuotaScopeKind.Key, "key_a", Ct));
    }

    [Fact]
    public async Task Reserve_IdAlreadyHeld_ThrowsAndCountsNothing()
    {
        var (stores, _) = await StartSeededAsync();
        var scopes = Scopes(key: QuotaLimits.None);
        await stores.Quotas.ReserveAsync(new QuotaReservation("r1", scopes, 10, 10, TimeSpan.FromHours(1)), Ct);

        await Assert.ThrowsAsync<InvalidOperationException>(() => stores.Quotas.ReserveAsync(new QuotaReservation("r1", scopes, 10, 10, TimeSpan.FromHours(1)), Ct).AsTask());

        Assert.Equal(new QuotaCounts(1, 10, 10, 10, 10, 10), await stores.Quotas.GetCountsAsync(QuotaScopeKind.Key, "key_a", Ct));
        Assert.True((await stores.Quotas.ReserveAsync(new QuotaReservation("r2", scopes, 10, 10, TimeSpan.FromHours(1)), Ct)).Granted);
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

    protected override Task ExecuteSqlAsync(GatewayStores stores, string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _paths[stores], Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    protected override string BlobLiteral(string hex) => $"X'{hex}'";

    protected override async Task<GatewayStores> OpenAnotherInstanceAsync(GatewayStores stores, AuditDurability auditDurability = AuditDurability.Synced)
    {
        var other = Open(_paths[stores], auditDurability: auditDurability);
        await other.Migrator.MigrateAsync(Ct);
        return other;
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

    private GatewayStores Open(string path, TimeProvider? time = null, AuditDurability auditDurability = AuditDurability.Synced)
    {
        var stores = SqliteStores.Create($"Data Source={path}", time ?? new FakeTimeProvider(T0), auditDurability);
        _opened.Add(stores);
        _paths[stores] = path;
        return stores;
    }
}
