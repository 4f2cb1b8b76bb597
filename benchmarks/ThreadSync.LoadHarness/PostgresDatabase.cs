using System.Diagnostics;
using Npgsql;

namespace ThreadSync.LoadHarness;

/// <summary>
/// The PostgreSQL server for the scale-out configuration: the one the tests use (<c>eng/start-test-postgres.sh</c>
/// installs and starts it when needed), or <c>THREADSYNC_TEST_POSTGRES</c>; each run gets a fresh database.
/// </summary>
internal static class PostgresDatabase
{
    public static async Task<(string ConnectionString, string Version)> CreateFreshAsync()
    {
        var server = Environment.GetEnvironmentVariable("THREADSYNC_TEST_POSTGRES");
        if (string.IsNullOrEmpty(server))
        {
            var start = new ProcessStartInfo("bash", [Path.Combine(HarnessPaths.RepositoryRoot, "eng", "start-test-postgres.sh")]) { RedirectStandardOutput = true };
            using var script = Process.Start(start) ?? throw new InvalidOperationException("Could not run eng/start-test-postgres.sh.");
            server = (await script.StandardOutput.ReadToEndAsync()).Trim();
            await script.WaitForExitAsync();
            if (script.ExitCode != 0 || server.Length == 0)
            {
                throw new InvalidOperationException("eng/start-test-postgres.sh could not start PostgreSQL.");
            }
        }

        const string Database = "threadsync_load";
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using (var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Database} WITH (FORCE)", connection))
        {
            await drop.ExecuteNonQueryAsync();
        }

        await using (var create = new NpgsqlCommand($"CREATE DATABASE {Database}", connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        var version = connection.PostgreSqlVersion.ToString();
        return (new NpgsqlConnectionStringBuilder(server) { Database = Database }.ConnectionString, version);
    }
}
