using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Npgsql;
using ThreadSync.Gateway.Audit;
using ThreadSync.Gateway.Storage;
using ThreadSync.Gateway.Storage.Postgres;
using ThreadSync.Gateway.Storage.Sqlite;
using ThreadSync.Gateway.Tests.Storage;

namespace ThreadSync.Gateway.Tests.Audit;

/// <summary>
/// <c>tools/ThreadSync.AuditVerify</c> run as the process an auditor would run, over a SQLite file, a PostgreSQL
/// database and a JSON Lines export: exit code 0 when valid, 1 naming the first bad record, 2 for bad input.
/// </summary>
public sealed class AuditVerifyCliTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("threadsync-verify-cli-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Sqlite_ValidThenTampered_ExitsZeroThenOneNamingTheRecord()
    {
        var path = Path.Combine(_folder, "threadsync.db");
        AuditHead head;
        await using (var stores = SqliteStores.Create($"Data Source={path}", TimeProvider.System))
        {
            head = await AppendAsync(stores, 5);
        }

        var valid = await RunAsync("--sqlite", path);
        Assert.Equal((0, $"valid: 6 records, head 5 {head.Hash}"), (valid.ExitCode, valid.Output.Trim()));
        Assert.Equal(0, (await RunAsync("--sqlite", path, "--expect-head", $"5:{head.Hash}")).ExitCode);
        Assert.Equal(1, (await RunAsync("--sqlite", path, "--expect-head", $"4:{head.Hash}")).ExitCode);

        using (var connection = new SqliteConnection($"Data Source={path};Pooling=false"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE audit_chain SET output_tokens = 1 WHERE seq = 3";
            command.ExecuteNonQuery();
        }

        var invalid = await RunAsync("--sqlite", path);
        Assert.Equal(1, invalid.ExitCode);
        Assert.StartsWith("INVALID: first bad record 3 (hash_mismatch)", invalid.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Postgres_ValidChain_ExitsZero_ForAReadOnlyRole()
    {
        var database = await PostgresTestServer.CreateDatabaseAsync();
        var role = "auditor_" + Guid.NewGuid().ToString("N")[..12];
        try
        {
            AuditHead head;
            await using (var stores = PostgresStores.Create(database.ConnectionString, TimeProvider.System))
            {
                head = await AppendAsync(stores, 3);
            }

            // An auditor may read, nothing more: the verifier must not need to create or migrate anything.
            await ExecuteAsync(database.ConnectionString, $"create role {role} login; grant select on all tables in schema public to {role}");
            var auditor = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Username = role }.ConnectionString;

            var result = await RunAsync("--postgres", auditor);

            Assert.Equal((0, $"valid: 4 records, head 3 {head.Hash}"), (result.ExitCode, result.Output.Trim()));
        }
        finally
        {
            await database.DisposeAsync();
            await ExecuteAsync(await PostgresTestServer.ConnectionStringAsync(), $"drop role if exists {role}");
        }
    }

    [Fact]
    public async Task Sqlite_WithoutAnAuditChain_ExitsTwo_AndIsNotMigrated()
    {
        var path = Path.Combine(_folder, "other.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=false"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE unrelated (x INTEGER)";
            command.ExecuteNonQuery();
        }

        var result = await RunAsync("--sqlite", path);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("audit_head", result.Output, StringComparison.Ordinal);
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=false"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE name = 'schema_version'";
            Assert.Equal(0L, (long)command.ExecuteScalar()!);
        }
    }

    [Fact]
    public async Task JsonLines_ValidThenReordered_ExitsZeroThenOne()
    {
        var export = Path.Combine(_folder, "audit.jsonl");
        await using (var stores = SqliteStores.Create($"Data Source={Path.Combine(_folder, "source.db")}", TimeProvider.System))
        {
            await AppendAsync(stores, 4);
            await using var file = File.Create(export);
            await foreach (var record in stores.Audit.ReadAsync(cancellationToken: Ct))
            {
                await using (var writer = new Utf8JsonWriter(file))
                {
                    AuditJsonLines.Write(writer, record);
                }

                file.WriteByte((byte)'\n');
            }
        }

        Assert.Equal(0, (await RunAsync("--jsonl", export)).ExitCode);

        var lines = await File.ReadAllLinesAsync(export, Ct);
        (lines[1], lines[2]) = (lines[2], lines[1]);
        await File.WriteAllLinesAsync(export, lines, Ct);
        var reordered = await RunAsync("--jsonl", export);

        Assert.Equal(1, reordered.ExitCode);
        Assert.StartsWith("INVALID: first bad record 1 (", reordered.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData]
    [InlineData("--sqlite")]
    [InlineData("--jsonl", "/nonexistent/audit.jsonl")]
    [InlineData("--sqlite", "/nonexistent/threadsync.db")]
    [InlineData("--sqlite", "a.db", "--jsonl", "b.jsonl")]
    public async Task BadArgumentsOrMissingInput_ExitTwo(params string[] args) =>
        Assert.Equal(2, (await RunAsync(args)).ExitCode);

    private static async Task<AuditHead> AppendAsync(GatewayStores stores, int count)
    {
        AuditHead head = null!;
        for (var i = 0; i < count; i++)
        {
            head = await stores.Audit.AppendAsync(
                new AuditRecord { At = DateTimeOffset.UnixEpoch.AddDays(20_000 + i), Kind = AuditKinds.Inference, CorrelationId = $"r{i}", KeyId = "key_a", Verdict = "ok", StatusCode = 200, CostUsd = 0.01m * i },
                Ct);
        }

        return head;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        var start = new ProcessStartInfo(!string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet", [Path.Combine(AppContext.BaseDirectory, "ThreadSync.AuditVerify.dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(Ct);
        var error = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        return (process.ExitCode, await output + await error);
    }
}
