namespace ThreadSync.Gateway.Storage.Sqlite;

/// <summary>The admin action log in SQLite, append-only.</summary>
internal sealed class SqliteAdminAuditLog : IAdminAuditLog
{
    private const string InsertSql = """
        INSERT INTO admin_audit (at, correlation_id, actor, action, target_id, status_code, details)
        VALUES ($at, $correlation, $actor, $action, $target, $status, $details)
        """;

    private const string ListSql = """
        SELECT at, correlation_id, actor, action, target_id, status_code, details
        FROM admin_audit ORDER BY at DESC, seq DESC LIMIT $limit
        """;

    private readonly SqliteDatabase _db;

    public SqliteAdminAuditLog(SqliteDatabase db) => _db = db;

    public ValueTask AppendAsync(AdminAuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var written = _db.WriteAsync(entry, static (s, entry) =>
        {
            var c = s.Command(InsertSql, "$at", "$correlation", "$actor", "$action", "$target", "$status", "$details");
            c.Set(0, SqliteValues.Ticks(entry.At));
            c.Set(1, entry.CorrelationId);
            c.Set(2, entry.Actor);
            c.Set(3, entry.Action);
            c.Set(4, entry.TargetId);
            c.Set(5, (long)entry.StatusCode);
            c.Set(6, entry.Details);
            return c.ExecuteNonQuery();
        }, cancellationToken);
        return written.IsCompletedSuccessfully ? ValueTask.CompletedTask : new ValueTask(written.AsTask());
    }

    public ValueTask<IReadOnlyList<AdminAuditEntry>> ListAsync(int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return _db.ReadAsync(limit, static (s, limit) =>
        {
            var c = s.Command(ListSql, "$limit");
            c.Set(0, (long)limit);
            using var r = c.ExecuteReader();
            var list = new List<AdminAuditEntry>();
            while (r.Read())
            {
                list.Add(new AdminAuditEntry
                {
                    At = r.GetTime(0),
                    CorrelationId = r.GetString(1),
                    Actor = r.GetString(2),
                    Action = r.GetString(3),
                    TargetId = r.GetString(4),
                    StatusCode = r.GetInt32(5),
                    Details = r.GetStringOrNull(6),
                });
            }

            return (IReadOnlyList<AdminAuditEntry>)list;
        }, cancellationToken);
    }
}
