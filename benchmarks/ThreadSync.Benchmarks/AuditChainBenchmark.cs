using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using ThreadSync.Gateway;
using ThreadSync.Gateway.Audit;
using ThreadSync.Gateway.Storage;
using ThreadSync.Gateway.Storage.Postgres;
using ThreadSync.Gateway.Storage.Sqlite;

namespace ThreadSync.Benchmarks;

/// <summary>
/// Audit chain appends per second: <see cref="Appenders"/> concurrent callers each append records one after another
/// (awaiting each durable commit) until <see cref="AppendsPerInvoke"/> records are in. The mean is the time per
/// append, so appends per second is its inverse. Group commit is what makes many appenders cheaper than one.
/// </summary>
/// <remarks>
/// PostgreSQL comes from <c>THREADSYNC_TEST_POSTGRES</c> (see <see cref="GovernanceBenchmark"/>); SQLite is a file in
/// a temporary folder (WAL, <c>synchronous=NORMAL</c>, as the gateway runs it).
/// </remarks>
[MemoryDiagnoser]
public class AuditChainBenchmark
{
    public const int AppendsPerInvoke = 4096;

    private static readonly string PromptHash = Convert.ToHexStringLower(SHA256.HashData("prompt"u8));
    private static readonly string ResponseHash = Convert.ToHexStringLower(SHA256.HashData("response"u8));

    private GatewayStores _stores = null!;
    private string? _dataDirectory;
    private long _sequence;

    [Params(StorageProvider.Sqlite, StorageProvider.Postgres)]
    public StorageProvider Store { get; set; }

    [Params(1, 16, 256)]
    public int Appenders { get; set; }

    [GlobalSetup]
    public void GlobalSetup()
    {
        if (Store == StorageProvider.Postgres)
        {
            _stores = PostgresStores.Create(BenchmarkPostgres.CreateDatabase(), TimeProvider.System);
        }
        else
        {
            _dataDirectory = Directory.CreateTempSubdirectory("threadsync-bench-").FullName;
            _stores = SqliteStores.Create($"Data Source={Path.Combine(_dataDirectory, "threadsync.db")}", TimeProvider.System);
        }

        _stores.Migrator.MigrateAsync().GetAwaiter().GetResult();
        _stores.Audit.AppendAsync(Record()).AsTask().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void GlobalCleanup()
    {
        _stores.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_dataDirectory is not null)
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    /// <summary>One durable append, amortized over many concurrent appenders.</summary>
    [Benchmark(OperationsPerInvoke = AppendsPerInvoke)]
    public async Task Append()
    {
        var each = AppendsPerInvoke / Appenders;
        var appenders = new Task[Appenders];
        for (var i = 0; i < appenders.Length; i++)
        {
            appenders[i] = Task.Run(async () =>
            {
                for (var n = 0; n < each; n++)
                {
                    await _stores.Audit.AppendAsync(Record());
                }
            });
        }

        await Task.WhenAll(appenders);
    }

    /// <summary>A typical inference record: ids, model, usage, both hashes.</summary>
    private AuditRecord Record() => new()
    {
        At = DateTimeOffset.UnixEpoch.AddDays(20_000),
        Kind = AuditKinds.Inference,
        CorrelationId = Interlocked.Increment(ref _sequence).ToString("x32", System.Globalization.CultureInfo.InvariantCulture),
        KeyId = "key_0123456789ab",
        OrgId = "acme",
        TeamId = "research",
        Endpoint = "/v1/chat/completions",
        Model = "gpt-4o",
        Provider = "openai",
        RouteMethod = "pinned",
        Verdict = "ok",
        InputTokens = 1_000,
        OutputTokens = 500,
        CostUsd = 0.0075m,
        LatencyMs = 842,
        StatusCode = 200,
        PromptSha256 = PromptHash,
        ResponseSha256 = ResponseHash,
    };
}
