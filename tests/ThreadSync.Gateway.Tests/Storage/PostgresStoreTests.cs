using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using ThreadSync.Gateway.Governance;
using ThreadSync.Gateway.Storage;
using ThreadSync.Gateway.Storage.Postgres;

namespace ThreadSync.Gateway.Tests.Storage;

/// <summary>
/// What only the PostgreSQL backend has to prove: limits hold across instances (separate connection pools on one
/// database) under real concurrency, migrations are safe to race, and the database's clock drives time.
/// </summary>
public sealed class PostgresStoreTests : IAsyncDisposable
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

    [Fact]
    public async Task RequestsPerHour_RacedByHundredRequestsOnTwoInstances_GrantsExactlyTheLimit()
    {
        var connectionString = await DatabaseAsync();
        GatewayStores[] instances = [Open(connectionString, TimeProvider.System), Open(connectionString, TimeProvider.System)];
        QuotaScope[] scopes = [new(QuotaScopeKind.Key, "key_race", new QuotaLimits { RequestsPerHour = 10 })];

        var decisions = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => Task.Run(async () =>
            await instances[i % 2].Quotas.ReserveAsync(new QuotaReservation($"req_{i}", scopes, 0, 0, TimeSpan.FromMinutes(5)), TestContext.Current.CancellationToken))));

        Assert.Equal(10, decisions.Count(d => d.Granted));
        Assert.All(decisions.Where(d => !d.Granted), d =>
        {
            Assert.Equal(QuotaLimitKind.RequestsPerHour, d.DeniedLimit);
            Assert.Equal("key_race", d.DeniedScopeId);
            Assert.InRange(d.RetryAfter, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));
            Assert.Equal(new QuotaRate(10, 0, d.Requests!.Reset), d.Requests);
        });
        var counts = await instances[1].Quotas.GetCountsAsync(QuotaScopeKind.Key, "key_race", TestContext.Current.CancellationToken);
        Assert.Equal(10, counts.RequestsThisHour);
    }

    [Fact]
    public async Task DailyUsd_RacedAcrossKeyTeamAndOrgOnTwoInstances_NeverOverspends()
    {
        var connectionString = await DatabaseAsync();
        GatewayStores[] instances = [Open(connectionString, TimeProvider.System), Open(connectionString, TimeProvider.System)];
        var org = new QuotaScope(QuotaScopeKind.Org, "org_race", new QuotaLimits { DailyUsd = 0.80m });
        QuotaScope[] teams =
        [
            new(QuotaScopeKind.Team, "team_a", new QuotaLimits { DailyUsd = 0.50m }),
            new(QuotaScopeKind.Team, "team_b", new QuotaLimits { DailyUsd = 0.50m }),
        ];
        var keys = Enumerable.Range(0, 4).Select(i => new QuotaScope(QuotaScopeKind.Key, $"key_{i}", new QuotaLimits { DailyUsd = 0.30m })).ToArray();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
        {
            var store = instances[i % 2];
            var key = keys[i % 4];
            var team = teams[i % 4 / 2];

            // Scopes in a different order on every other request: the store sorts them into its lock order.
            QuotaScope[] scopes = i % 3 == 0 ? [org, team, key] : [key, team, org];
            var decision = await store.Quotas.ReserveAsync(
                new QuotaReservation($"req_{i}", scopes, 1_000, NanoUsd.FromUsd(0.05m), TimeSpan.FromMinutes(5)),
                TestContext.Current.CancellationToken);
            if (decision.Granted)
            {
                var record = Record($"req_{i}", key.Id, team.Id, org.Id, 0.02m + (i % 4 * 0.01m), DateTimeOffset.UtcNow);
                Assert.True(await store.Quotas.SettleAsync($"req_{i}", record, TestContext.Current.CancellationToken));
            }

            return decision;
        })));

        Assert.Contains(outcomes, d => d.Granted);
        Assert.Contains(outcomes, d => !d.Granted && d.DeniedLimit == QuotaLimitKind.DailyUsd);
        var usage = await instances[0].Usage.AggregateAsync(new UsageFilter(), UsageGrouping.Key | UsageGrouping.Team | UsageGrouping.Org, TestContext.Current.CancellationToken);
        Assert.InRange(usage.Sum(u => u.CostUsd), 0.01m, 0.80m);
        foreach (var team in teams)
        {
            Assert.InRange(usage.Where(u => u.TeamId == team.Id).Sum(u => u.CostUsd), 0m, 0.50m);
        }

        foreach (var key in keys)
        {
            Assert.InRange(usage.Where(u => u.KeyId == key.Id).Sum(u => u.CostUsd), 0m, 0.30m);
        }

        // What the store counts is exactly what the ledger holds: every hold was replaced by its actual cost.
        var orgCounts = await instances[1].Quotas.GetCountsAsync(QuotaScopeKind.Org, org.Id, TestContext.Current.CancellationToken);
        Assert.Equal(NanoUsd.FromUsd(usage.Sum(u => u.CostUsd)), orgCounts.CostNanoUsdToday);
        Assert.Equal(outcomes.Count(d => d.Granted), orgCounts.RequestsThisHour);
    }

    [Fact]
    public async Task Migration_RacedByTwoInstancesAndLazyFirstUse_AppliesEachVersionOnce()
    {
        var connectionString = await DatabaseAsync();
        GatewayStores[] instances = [Open(connectionString, TimeProvider.System), Open(connectionString, TimeProvider.System)];

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            var stores = instances[i % 2];
            if (i % 4 < 2)
            {
                await stores.Migrator.MigrateAsync(TestContext.Current.CancellationToken);
            }
            else
            {
                // Lazy: the first use migrates.
                await stores.Governance.ListOrgsAsync(TestContext.Current.CancellationToken);
            }
        })));
        var third = Open(connectionString, TimeProvider.System);
        await third.Migrator.MigrateAsync(TestContext.Current.CancellationToken);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("select count(*), count(distinct version), max(version) from schema_version", connection);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        Assert.True(await reader.ReadAsync(TestContext.Current.CancellationToken));
        Assert.Equal(PostgresMigrations.Scripts.Count, reader.GetInt64(0));
        Assert.Equal(PostgresMigrations.Scripts.Count, reader.GetInt64(1));
        Assert.Equal(PostgresMigrations.Scripts[^1].Key, reader.GetInt32(2));
    }

    [Fact]
    public async Task DatabaseClock_CountsHolds_ReleasesExpiredOnes_AndSettles()
    {
        // Over a data source the caller owns (Npgsql's full builder).
        await using var dataSource = new NpgsqlDataSourceBuilder(await DatabaseAsync()).Build();
        var stores = PostgresStores.Create(dataSource, TimeProvider.System);
        var ct = TestContext.Current.CancellationToken;
        QuotaScope[] scopes = [new(QuotaScopeKind.Key, "key_clock", new QuotaLimits { TokensPerHour = 1_000, DailyUsd = 1m })];

        Assert.True((await stores.Quotas.ReserveAsync(new QuotaReservation("short", scopes, 400, 1_000, TimeSpan.FromSeconds(2)), ct)).Granted);
        var counts = await stores.Quotas.GetCountsAsync(QuotaScopeKind.Key, "key_clock", ct);
        Assert.Equal(new QuotaCounts(1, 400, 400, 400, 1_000, 1_000), counts);

        // The database's clock releases the unsettled hold; the request stays counted.
        var deadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 15);
        while ((counts = await stores.Quotas.GetCountsAsync(QuotaScopeKind.Key, "key_clock", ct)).TokensThisHour != 0 && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(100, ct);
        }

        Assert.Equal(new QuotaCounts(1, 0, 0, 0, 0, 0), counts);

        var decision = await stores.Quotas.ReserveAsync(new QuotaReservation("long", scopes, 900, NanoUsd.FromUsd(0.5m), TimeSpan.FromMinutes(5)), ct);
        Assert.True(decision.Granted);
        Assert.Equal(1_000, decision.Tokens!.Limit);
        Assert.Equal(100, decision.Tokens.Remaining);
        Assert.InRange(decision.Tokens.Reset, TimeSpan.FromMinutes(60), TimeSpan.FromMinutes(61));

        var refused = await stores.Quotas.ReserveAsync(new QuotaReservation("over", scopes, 200, 0, TimeSpan.FromMinutes(5)), ct);
        Assert.False(refused.Granted);
        Assert.Equal(QuotaLimitKind.TokensPerHour, refused.DeniedLimit);
        Assert.InRange(refused.RetryAfter, TimeSpan.FromMinutes(60), TimeSpan.FromMinutes(61));

        Assert.True(await stores.Quotas.SettleAsync("long", Record("long", "key_clock", null, null, 0.25m, DateTimeOffset.UtcNow, 300), ct));
        Assert.False(await stores.Quotas.SettleAsync("long", Record("long", "key_clock", null, null, 0.25m, DateTimeOffset.UtcNow, 300), ct));
        Assert.Equal(new QuotaCounts(2, 300, 300, 300, NanoUsd.FromUsd(0.25m), NanoUsd.FromUsd(0.25m)), await stores.Quotas.GetCountsAsync(QuotaScopeKind.Key, "key_clock", ct));

        var budget = await stores.Quotas.ReserveAsync(new QuotaReservation("budget", scopes, 0, NanoUsd.FromUsd(0.80m), TimeSpan.FromMinutes(5)), ct);
        Assert.False(budget.Granted);
        Assert.Equal(QuotaLimitKind.DailyUsd, budget.DeniedLimit);
        var midnight = DateTimeOffset.UtcNow.UtcDateTime.Date.AddDays(1);
        Assert.InRange(budget.RetryAfter, midnight - DateTime.UtcNow - TimeSpan.FromMinutes(1), midnight - DateTime.UtcNow + TimeSpan.FromMinutes(1));

        // The stores leave a data source they do not own open.
        ((IDisposable)stores.Migrator).Dispose();
        await using var command = dataSource.CreateCommand("select count(*) from usage_records");
        Assert.Equal(2L, await command.ExecuteScalarAsync(ct));
    }

    [Fact]
    public async Task Settle_AcrossAMonthEnd_CountsTheActualsInTheDayAndMonthOfTheHold()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 31, 23, 59, 30, TimeSpan.Zero));
        var stores = Open(await DatabaseAsync(), clock);
        var ct = TestContext.Current.CancellationToken;
        QuotaScope[] scopes = [new(QuotaScopeKind.Org, "o", new QuotaLimits { DailyTokens = 1_000, MonthlyTokens = 1_000 })];

        Assert.True((await stores.Quotas.ReserveAsync(new QuotaReservation("march", scopes, 800, 0, TimeSpan.FromMinutes(10)), ct)).Granted);
        var refused = await stores.Quotas.ReserveAsync(new QuotaReservation("march2", scopes, 800, 0, TimeSpan.FromMinutes(10)), ct);
        Assert.Equal(QuotaLimitKind.DailyTokens, refused.DeniedLimit);
        Assert.Equal(TimeSpan.FromSeconds(30), refused.RetryAfter);

        clock.Advance(TimeSpan.FromMinutes(1)); // April 1st: a new day and month; March's hold still runs
        Assert.True((await stores.Quotas.ReserveAsync(new QuotaReservation("april", scopes, 800, 0, TimeSpan.FromMinutes(10)), ct)).Granted);
        Assert.True(await stores.Quotas.SettleAsync("march", Record("march", "k", null, "o", 0m, clock.GetUtcNow(), 500), ct));

        var counts = await stores.Quotas.GetCountsAsync(QuotaScopeKind.Org, "o", ct);
        Assert.Equal(800, counts.TokensToday); // April's hold only: March's actuals went to March
        Assert.Equal(800, counts.TokensThisMonth);
        Assert.Equal(1_300, counts.TokensThisHour);

        var monthly = await stores.Quotas.ReserveAsync(new QuotaReservation("april2", [new(QuotaScopeKind.Org, "o", new QuotaLimits { MonthlyTokens = 1_000 })], 300, 0, TimeSpan.FromMinutes(10)), ct);
        Assert.Equal(QuotaLimitKind.MonthlyTokens, monthly.DeniedLimit);
        Assert.Equal(new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero) - clock.GetUtcNow(), monthly.RetryAfter);
    }

    [Fact]
    public async Task Reserve_IdAlreadyOutstanding_ThrowsAndCountsNothing_ButASettledIdMayBeReused()
    {
        var stores = Open(await DatabaseAsync(), new FakeTimeProvider(new DateTimeOffset(2026, 3, 15, 12, 0, 30, TimeSpan.Zero)));
        var ct = TestContext.Current.CancellationToken;
        QuotaScope[] scopes = [new(QuotaScopeKind.Key, "k", QuotaLimits.None), new(QuotaScopeKind.Org, "o", QuotaLimits.None)];
        Assert.True((await stores.Quotas.ReserveAsync(new QuotaReservation("r1", scopes, 10, 10, TimeSpan.FromHours(1)), ct)).Granted);

        await Assert.ThrowsAsync<InvalidOperationException>(() => stores.Quotas.ReserveAsync(new QuotaReservation("r1", scopes, 10, 10, TimeSpan.FromHours(1)), ct).AsTask());

        Assert.Equal(new QuotaCounts(1, 10, 10, 10, 10, 10), await stores.Quotas.GetCountsAsync(QuotaScopeKind.Org, "o", ct));
        Assert.True(await stores.Quotas.SettleAsync("r1", Record("r1", "k", null, "o", 0m, DateTimeOffset.UnixEpoch, 4), ct));
        Assert.True((await stores.Quotas.ReserveAsync(new QuotaReservation("r1", scopes, 10, 10, TimeSpan.FromHours(1)), ct)).Granted);
        Assert.Equal(new QuotaCounts(2, 14, 14, 14, 10, 10), await stores.Quotas.GetCountsAsync(QuotaScopeKind.Org, "o", ct));
    }

    [Fact]
    public async Task ReserveAndSettle_Latency_IsMeasured()
    {
        var stores = Open(await DatabaseAsync(), TimeProvider.System);
        var ct = TestContext.Current.CancellationToken;
        QuotaScope[] scopes =
        [
            new(QuotaScopeKind.Key, "k", new QuotaLimits { RequestsPerHour = 1_000_000, TokensPerHour = 1_000_000_000 }),
            new(QuotaScopeKind.Team, "t", new QuotaLimits { DailyUsd = 1_000_000m }),
            new(QuotaScopeKind.Org, "o", new QuotaLimits { MonthlyUsd = 1_000_000m, DailyTokens = 1_000_000_000 }),
        ];
        var record = Record("x", "k", "t", "o", 0.001m, DateTimeOffset.UtcNow, 120);
        var samples = new List<double>();
        var reserves = new List<double>();
        var noops = new List<double>();
        await using var dataSource = NpgsqlDataSource.Create(_databases[^1].ConnectionString);
        for (var i = 0; i < 600; i++)
        {
            var started = Stopwatch.GetTimestamp();
            Assert.True((await stores.Quotas.ReserveAsync(new QuotaReservation($"r{i}", scopes, 200, 10_000, TimeSpan.FromMinutes(5)), ct)).Granted);
            var reserved = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            Assert.True(await stores.Quotas.SettleAsync($"r{i}", record, ct));
            var total = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            var noopStarted = Stopwatch.GetTimestamp();
            await using (var noop = dataSource.CreateCommand("select 1"))
            {
                await noop.ExecuteScalarAsync(ct);
            }

            if (i >= 100)
            {
                samples.Add(total);
                reserves.Add(reserved);
                noops.Add(Stopwatch.GetElapsedTime(noopStarted).TotalMicroseconds);
            }
        }

        reserves.Sort();
        noops.Sort();
        TestContext.Current.TestOutputHelper?.WriteLine($"reserve p50 {reserves[reserves.Count / 2]:F0} µs; select 1 p50 {noops[noops.Count / 2]:F0} µs");
        samples.Sort();
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"reserve+settle over 3 scopes: p50 {samples[samples.Count / 2]:F0} µs, p99 {samples[samples.Count * 99 / 100]:F0} µs");
        Assert.True(samples[samples.Count / 2] < 50_000, "reserve+settle took over 50 ms at the median");
    }

    private static UsageRecord Record(string correlationId, string keyId, string? teamId, string? orgId, decimal costUsd, DateTimeOffset at, long outputTokens = 10) => new()
    {
        At = at,
        CorrelationId = correlationId,
        KeyId = keyId,
        TeamId = teamId,
        OrgId = orgId,
        Model = "gpt-4o-mini",
        Provider = "openai",
        InputTokens = 0,
        OutputTokens = outputTokens,
        CostUsd = costUsd,
        Verdict = UsageVerdicts.Ok,
        StatusCode = 200,
    };

    private GatewayStores Open(string connectionString, TimeProvider timeProvider)
    {
        var stores = PostgresStores.Create(connectionString, timeProvider);
        _opened.Add(stores);
        return stores;
    }

    private async Task<string> DatabaseAsync()
    {
        var database = await PostgresTestServer.CreateDatabaseAsync();
        _databases.Add(database);
        return database.ConnectionString;
    }
}
