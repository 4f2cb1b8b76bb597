using Microsoft.Data.Sqlite;

namespace ThreadSync.Gateway.Storage.Sqlite;

/// <summary>
/// One open connection with its prepared commands, used by one caller at a time: the writer (behind the database's
/// write lock) or a rented reader. Commands are created once per SQL text and kept, so SQLite prepares each statement
/// once per connection.
/// </summary>
internal sealed class SqliteSession : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private SqliteCommand? _begin;
    private SqliteCommand? _commit;
    private SqliteCommand? _rollback;
    private SqliteCommand? _savepoint;
    private SqliteCommand? _release;
    private SqliteCommand? _rollbackToSavepoint;

    public SqliteSession(SqliteConnection connection) => Connection = connection;

    public SqliteConnection Connection { get; }

    /// <summary>Gets the cached command for <paramref name="sql"/>, creating it with the named parameters on first use.</summary>
    public SqliteCommand Command(string sql, params ReadOnlySpan<string> parameterNames)
    {
        if (_commands.TryGetValue(sql, out var command))
        {
            return command;
        }

        command = Connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameterNames)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        _commands.Add(sql, command);
        return command;
    }

    /// <summary>Creates a command that is not cached (the caller disposes it): for SQL built per call, such as report queries.</summary>
    public SqliteCommand CreateCommand(string sql, params ReadOnlySpan<string> parameterNames)
    {
        var command = Connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameterNames)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    /// <summary>Starts a write transaction that takes the database's write lock at once (<c>BEGIN IMMEDIATE</c>).</summary>
    public void Begin() => (_begin ??= Create("BEGIN IMMEDIATE")).ExecuteNonQuery();

    public void Commit() => (_commit ??= Create("COMMIT")).ExecuteNonQuery();

    /// <summary>Rolls back the open transaction, if SQLite has not already done so.</summary>
    public void Rollback()
    {
        try
        {
            (_rollback ??= Create("ROLLBACK")).ExecuteNonQuery();
        }
        catch (SqliteException)
        {
            // No transaction is active (SQLite rolled it back itself on the error): nothing to undo.
        }
    }

    /// <summary>Marks a point inside the open transaction that <see cref="RollbackToSavepoint"/> can return to (one at a time).</summary>
    public void Savepoint() => (_savepoint ??= Create("SAVEPOINT w")).ExecuteNonQuery();

    /// <summary>Keeps what was done since <see cref="Savepoint"/>, as part of the open transaction.</summary>
    public void ReleaseSavepoint() => (_release ??= Create("RELEASE w")).ExecuteNonQuery();

    /// <summary>Undoes what was done since <see cref="Savepoint"/> and drops the savepoint; false when the transaction itself is gone.</summary>
    public bool RollbackToSavepoint()
    {
        try
        {
            (_rollbackToSavepoint ??= Create("ROLLBACK TO w")).ExecuteNonQuery();
            ReleaseSavepoint();
            return true;
        }
        catch (SqliteException)
        {
            Rollback();
            return false;
        }
    }

    /// <summary>Runs one statement without caching it (schema scripts, pragmas).</summary>
    public void Execute(string sql)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
        _begin?.Dispose();
        _commit?.Dispose();
        _rollback?.Dispose();
        _savepoint?.Dispose();
        _release?.Dispose();
        _rollbackToSavepoint?.Dispose();
        Connection.Dispose();
    }

    private SqliteCommand Create(string sql)
    {
        var command = Connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }
}
