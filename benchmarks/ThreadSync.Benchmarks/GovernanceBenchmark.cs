using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using ThreadSync.Gateway;
using ThreadSync.Gateway.Governance;
using ThreadSync.Gateway.Governance.Internal;
using ThreadSync.Gateway.Storage;

namespace ThreadSync.Benchmarks;

/// <summary>
/// The governance cost of one request, on each store: authenticate the key (hash lookup with team and org), reserve
/// the worst case on key, team and org, settle to the actual usage with its ledger record.
/// </summary>
/// <remarks>
/// PostgreSQL comes from <c>THREADSYNC_TEST_POSTGRES</c> (an Npgsql connection string; <c>eng/start-test-postgres.sh</c>
/// starts a local one and prints it); each run uses a fresh database on it.
/// </remarks>
[MemoryDiagnoser]
public class GovernanceBenchmark
{
    private ServiceProvider _services = null!;
    private IGatewayAuthenticator _authenticator = null!;
    private GatewayStores _stores = null!;
    private string _secret = null!;
    private string? _dataDirectory;
    private long _sequence;

    [Params(StorageProvider.Sqlite, StorageProvider.Postgres)]
    public StorageProvider Store { get; set; }

    [GlobalSetup]
    public void GlobalSetup()
    {
        string? connectionString = null;
        if (Store == StorageProvider.Postgres)
        {
            connectionString = BenchmarkPostgres.CreateDatabase();
        }
        else
        {
            _dataDirectory = Directory.CreateTempSubdirectory("threadsync-bench-").FullName;
        }

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddThreadSyncGateway(options =>
        {
            options.Storage.Provider = Store;
            options.Storage.ConnectionString = connectionString;
            options.Storage.DataDirectory = _dataDirectory ?? "data";
        });
        _services = services.BuildServiceProvider();
        _authenticator = _services.GetRequiredService<IGatewayAuthenticator>();
        _stores = _services.GetRequiredService<GatewayStores>();

        var now = DateTimeOffset.UtcNow;
        _stores.Migrator.MigrateAsync().GetAwaiter().GetResult();
        _stores.Governance.CreateOrgAsync(new Org { Id = "bench", Name = "bench", Limits = new QuotaLimits { MonthlyUsd = 1_000_000m }, CreatedAt = now }).AsTask().GetAwaiter().GetResult();
        _stores.Governance.CreateTeamAsync(new Team { Id = "bench-team", OrgId = "bench", Name = "bench", Limits = new QuotaLimits { DailyUsd = 1_000_000m }, CreatedAt = now }).AsTask().GetAwaiter().GetResult();
        _secret = KeySecrets.Generate();
        var key = new GatewayKey
        {
            Id = "key_bench",
            OrgId = "bench",
            TeamId = "bench-team",
            Name = "bench",
            Hint = KeySecrets.Hint(_secret),
            Limits = new QuotaLimits { RequestsPerHour = long.MaxValue / 2, TokensPerHour = long.MaxValue / 2, DailyTokens = long.MaxValue / 2 },
            CreatedAt = now,
        };
        _stores.Governance.CreateKeyAsync(key, KeySecrets.Hash(_secret)).AsTask().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void GlobalCleanup()
    {
        _services.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_dataDirectory is not null)
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    /// <summary>The key lookup alone.</summary>
    [Benchmark]
    public async Task<bool> Authenticate() => await _authenticator.AuthenticateAsync(_secret) is not null;

    /// <summary>Authenticate, reserve and settle one request.</summary>
    [Benchmark]
    public async Task<bool> AuthReserveSettle()
    {
        var caller = await _authenticator.AuthenticateAsync(_secret);
        var id = "bench-" + Interlocked.Increment(ref _sequence).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var decision = await _stores.Quotas.ReserveAsync(new QuotaReservation(id, caller!.Governance!.Scopes, 4_000, 40_000_000, TimeSpan.FromMinutes(30)));
        var record = new UsageRecord
        {
            At = DateTimeOffset.UtcNow,
            CorrelationId = id,
            KeyId = caller.KeyId,
            TeamId = caller.TeamId,
            OrgId = caller.OrgId,
            Endpoint = "/v1/chat/completions",
            Model = "gpt-4o",
            Provider = "openai",
            InputTokens = 1_000,
            OutputTokens = 500,
            CostUsd = 0.0075m,
            LatencyMs = 3,
            Verdict = UsageVerdicts.Ok,
            StatusCode = 200,
        };
        return decision.Granted && await _stores.Quotas.SettleAsync(id, record);
    }
}
