using System.Diagnostics;
using Npgsql;

namespace ThreadSync.Gateway.Tests.Storage;

/// <summary>
/// The PostgreSQL server the tests use: <c>THREADSYNC_TEST_POSTGRES</c> (test.sh starts it), or else the one
/// <c>eng/start-test-postgres.sh</c> installs and starts, so <c>dotnet test</c> alone works too. Each test gets a fresh
/// database. Tests never skip when PostgreSQL is missing: they fail and say why.
/// </summary>
internal static class PostgresTestServer
{
    public const string EnvironmentVariable = "THREADSYNC_TEST_POSTGRES";

    private static readonly Lazy<Task<string>> Server = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Gets the connection string of the server's maintenance database.</summary>
    public static Task<string> ConnectionStringAsync() => Server.Value;

    /// <summary>Creates an empty database, dropped (with its connections) when the result is disposed.</summary>
    public static async Task<PostgresTestDatabase> CreateDatabaseAsync()
    {
        var server = await Server.Value;
        var name = $"ts_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"create database {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(server) { Database = name };
        return new PostgresTestDatabase(name, builder.ConnectionString, server);
    }

    private static async Task<string> StartAsync()
    {
        var connectionString = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            connectionString = await RunStartScriptAsync();
        }

        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            throw new InvalidOperationException(
                $"PostgreSQL is not reachable at '{connectionString}' ({e.Message}). Run eng/start-test-postgres.sh, or set {EnvironmentVariable} to a server the tests may create databases on.",
                e);
        }

        return connectionString;
    }

    private static async Task<string> RunStartScriptAsync()
    {
        var script = FindScript();
        var start = new ProcessStartInfo("bash", [script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not run bash to start PostgreSQL.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set and {script} failed (exit code {process.ExitCode}); PostgreSQL tests need a server.\n{await stderr}");
        }

        var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length > 0 ? lines[^1] : throw new InvalidOperationException($"{script} printed no connection string.\n{await stderr}");
    }

    private static string FindScript()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var script = Path.Combine(directory.FullName, "eng", "start-test-postgres.sh");
            if (File.Exists(script))
            {
                return script;
            }
        }

        throw new InvalidOperationException(
            $"{EnvironmentVariable} is not set and eng/start-test-postgres.sh was not found above {AppContext.BaseDirectory}; PostgreSQL tests need a server.");
    }
}
