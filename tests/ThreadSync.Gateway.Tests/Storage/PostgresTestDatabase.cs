using Npgsql;

namespace ThreadSync.Gateway.Tests.Storage;

/// <summary>A throwaway database on the test server; disposing it drops it, closing whatever connections are left.</summary>
internal sealed class PostgresTestDatabase(string name, string connectionString, string serverConnectionString) : IAsyncDisposable
{
    public string Name { get; } = name;

    public string ConnectionString { get; } = connectionString;

    public async ValueTask DisposeAsync()
    {
        await using var connection = new NpgsqlConnection(serverConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"drop database if exists {Name} with (force)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
