using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Sqlite;

namespace ThreadSync.Gateway.Storage.Sqlite;

/// <summary>The usage ledger in SQLite: one row per request, cost as exact decimal text summed by <c>decimal_sum</c>.</summary>
internal sealed class SqliteUsageLedger : IUsageLedger
{
    private const string InsertSql = """
        INSERT INTO usage (at, correlation_id, key_id, team_id, org_id, endpoint, model, provider, input_tokens, output_tokens, cost_usd, latency_ms, verdict, status_code)
        VALUES ($at, $correlation, $key, $team, $org, $endpoint, $model, $provider, $input, $output, $cost, $latency, $verdict, $status)
        """;

    private const string RecordColumns = "at, correlation_id, key_id, team_id, org_id, endpoint, model, provider, input_tokens, output_tokens, cost_usd, latency_ms, verdict, status_code";

    private static readonly string[] InsertParameters =
        ["$at", "$correlation", "$key", "$team", "$org", "$endpoint", "$model", "$provider", "$input", "$output", "$cost", "$latency", "$verdict", "$status"];

    private static readonly string[] FilterParameters = ["$from", "$to", "$org", "$team", "$key", "$model"];

    private readonly SqliteDatabase _db;

    public SqliteUsageLedger(SqliteDatabase db) => _db = db;

    public ValueTask AppendAsync(UsageRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var written = _db.WriteAsync(record, static (s, record) =>
        {
            Insert(s, record);
            return true;
        }, cancellationToken);
        return written.IsCompletedSuccessfully ? ValueTask.CompletedTask : new ValueTask(written.AsTask());
    }

    public async IAsyncEnumerable<UsageRecord> ReadAsync(UsageFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var session = await _db.RentReaderAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var command = FilteredCommand(session, $"SELECT {RecordColumns} FROM usage", filter, " ORDER BY at, seq", cached: true);
            using var r = command.ExecuteReader();
            while (r.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return new UsageRecord
                {
                    At = r.GetTime(0),
                    CorrelationId = r.GetString(1),
                    KeyId = r.GetString(2),
                    TeamId = r.GetStringOrNull(3),
                    OrgId = r.GetStringOrNull(4),
                    Endpoint = r.GetStringOrNull(5),
                    Model = r.GetStringOrNull(6),
                    Provider = r.GetStringOrNull(7),
                    InputTokens = r.GetInt64(8),
                    OutputTokens = r.GetInt64(9),
                    CostUsd = SqliteValues.Usd(r.GetString(10)),
                    LatencyMs = r.GetInt64(11),
                    Verdict = r.GetString(12),
                    StatusCode = r.GetInt32(13),
                };
            }
        }
        finally
        {
            _db.ReturnReader(session);
        }
    }

    public ValueTask<IReadOnlyList<UsageAggregate>> AggregateAsync(UsageFilter filter, UsageGrouping groupBy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return _db.ReadAsync((filter, groupBy), static (s, state) =>
        {
            var (filter, groupBy) = state;

            // Every grouping selects the same columns (NULL where not grouped), so one reader serves all.
            var key = groupBy.HasFlag(UsageGrouping.Key) ? "key_id" : "NULL";
            var team = groupBy.HasFlag(UsageGrouping.Team) ? "team_id" : "NULL";
            var org = groupBy.HasFlag(UsageGrouping.Org) ? "org_id" : "NULL";
            var model = groupBy.HasFlag(UsageGrouping.Model) ? "model" : "NULL";
            var day = groupBy.HasFlag(UsageGrouping.Day) ? $"at / {TimeSpan.TicksPerDay}" : "NULL";
            var select = $"""
                SELECT {key}, {team}, {org}, {model}, {day}, COUNT(*), SUM(verdict <> 'ok'), SUM(input_tokens), SUM(output_tokens), decimal_sum(cost_usd)
                FROM usage
                """;
            var groups = new List<string>();
            foreach (var (flag, column) in (ReadOnlySpan<(UsageGrouping, string)>)[(UsageGrouping.Key, "1"), (UsageGrouping.Team, "2"), (UsageGrouping.Org, "3"), (UsageGrouping.Model, "4"), (UsageGrouping.Day, "5")])
            {
                if (groupBy.HasFlag(flag))
                {
                    groups.Add(column);
                }
            }

            var tail = groups.Count == 0
                ? " HAVING COUNT(*) > 0"
                : $" GROUP BY {string.Join(", ", groups)} ORDER BY {string.Join(", ", groups)}";
            using var command = FilteredCommand(s, select, filter, tail, cached: false);
            using var r = command.ExecuteReader();
            var list = new List<UsageAggregate>();
            while (r.Read())
            {
                list.Add(new UsageAggregate
                {
                    KeyId = r.GetStringOrNull(0),
                    TeamId = r.GetStringOrNull(1),
                    OrgId = r.GetStringOrNull(2),
                    Model = r.GetStringOrNull(3),
                    Day = r.IsDBNull(4) ? null : DateOnly.FromDayNumber(checked((int)r.GetInt64(4))),
                    Requests = r.GetInt64(5),
                    Refused = r.GetInt64(6),
                    InputTokens = r.GetInt64(7),
                    OutputTokens = r.GetInt64(8),
                    CostUsd = SqliteValues.Usd(r.GetString(9)),
                });
            }

            return (IReadOnlyList<UsageAggregate>)list;
        }, cancellationToken);
    }

    /// <summary>Writes a record on the given (writer) connection; settlement calls this inside its transaction.</summary>
    internal static void Insert(SqliteSession s, UsageRecord record)
    {
        var c = s.Command(InsertSql, InsertParameters);
        c.Set(0, SqliteValues.Ticks(record.At));
        c.Set(1, record.CorrelationId);
        c.Set(2, record.KeyId);
        c.Set(3, record.TeamId);
        c.Set(4, record.OrgId);
        c.Set(5, record.Endpoint);
        c.Set(6, record.Model);
        c.Set(7, record.Provider);
        c.Set(8, record.InputTokens);
        c.Set(9, record.OutputTokens);
        c.Set(10, SqliteValues.Usd(record.CostUsd));
        c.Set(11, record.LatencyMs);
        c.Set(12, record.Verdict);
        c.Set(13, (long)record.StatusCode);
        c.ExecuteNonQuery();
    }

    /// <summary>
    /// The command for a query with only the filter's set criteria in its WHERE clause (so the indexes apply); record
    /// reads (64 shapes at most) are cached, aggregates (a shape per filter and grouping) are not.
    /// </summary>
    private static SqliteCommand FilteredCommand(SqliteSession s, string select, UsageFilter filter, string tail, bool cached)
    {
        var sql = new StringBuilder(select);
        var first = true;
        void Where(bool set, string condition)
        {
            if (set)
            {
                sql.Append(first ? " WHERE " : " AND ").Append(condition);
                first = false;
            }
        }

        Where(filter.From is not null, "at >= $from");
        Where(filter.To is not null, "at < $to");
        Where(filter.OrgId is not null, "org_id = $org");
        Where(filter.TeamId is not null, "team_id = $team");
        Where(filter.KeyId is not null, "key_id = $key");
        Where(filter.Model is not null, "model = $model");
        sql.Append(tail);

        var command = cached ? s.Command(sql.ToString(), FilterParameters) : s.CreateCommand(sql.ToString(), FilterParameters);
        command.Set(0, SqliteValues.Ticks(filter.From));
        command.Set(1, SqliteValues.Ticks(filter.To));
        command.Set(2, filter.OrgId);
        command.Set(3, filter.TeamId);
        command.Set(4, filter.KeyId);
        command.Set(5, filter.Model);
        return command;
    }
}
