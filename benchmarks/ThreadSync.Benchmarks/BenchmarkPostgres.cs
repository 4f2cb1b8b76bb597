using Npgsql;

namespace ThreadSync.Benchmarks;

/// <summary>A fresh database on the PostgreSQL named by <c>THREADSYNC_TEST_POSTGRES</c> (see <c>eng/start-test-postgres.sh</c>).</summary>
internal static class BenchmarkPostgres
{
    public static string CreateDatabase()
    {
        var server = Environment.GetEnvironmentVariable("THREADSYNC_TEST_POSTGRES")
            ?? throw new InvalidOperationException("Set THREADSYNC_TEST_POSTGRES to an Npgsql connection string (run eng/start-test-postgres.sh to start a local PostgreSQL).");
        var name = "ts_bench_" + Guid.NewGuid().ToString("N")[..12];
        using (var connection = new NpgsqlConnection(server))
        {
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            command.ExecuteNonQuery();
        }

        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }
}
