using static ThreadSync.Gateway.Storage.Postgres.PostgresParameters;

namespace ThreadSync.Gateway.Storage.Postgres;

/// <summary>The admin action log in PostgreSQL: an append-only table.</summary>
internal sealed class PostgresAdminAuditLog : IAdminAuditLog
{
    private readonly PostgresDatabase _database;

    /// <summary>Initializes a new instance of the <see cref="PostgresAdminAuditLog"/> class.</summary>
    /// <param name="database">The database.</param>
    public PostgresAdminAuditLog(PostgresDatabase database)
    {
        _database = database;
    }

    /// <inheritdoc/>
    public async ValueTask AppendAsync(AdminAuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await _database.EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = _database.DataSource.CreateCommand(
            "insert into admin_audit (acted_at, correlation_id, actor, action, target_id, status_code, details) values ($1, $2, $3, $4, $5, $6, $7)");
        command.Parameters.Add(Time(entry.At));
        command.Parameters.Add(Text(entry.CorrelationId));
        command.Parameters.Add(Text(entry.Actor));
        command.Parameters.Add(Text(entry.Action));
        command.Parameters.Add(Text(entry.TargetId));
        command.Parameters.Add(Integer(entry.StatusCode));
        command.Parameters.Add(Text(entry.Details));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<AdminAuditEntry>> ListAsync(int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        await _database.EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = _database.DataSource.CreateCommand(
            "select acted_at, correlation_id, actor, action, target_id, status_code, details from admin_audit order by acted_at desc, seq desc limit $1");
        command.Parameters.Add(Integer(limit));
        var entries = new List<AdminAuditEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            entries.Add(new AdminAuditEntry
            {
                At = reader.GetFieldValue<DateTimeOffset>(0),
                CorrelationId = reader.GetString(1),
                Actor = reader.GetString(2),
                Action = reader.GetString(3),
                TargetId = reader.GetString(4),
                StatusCode = reader.GetInt32(5),
                Details = reader.IsDBNull(6) ? null : reader.GetString(6),
            });
        }

        return entries;
    }
}
