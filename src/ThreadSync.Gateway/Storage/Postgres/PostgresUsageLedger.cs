using System.Runtime.CompilerServices;
using System.Text;
using Npgsql;
using static ThreadSync.Gateway.Storage.Postgres.PostgresParameters;

namespace ThreadSync.Gateway.Storage.Postgres;

/// <summary>The usage ledger in PostgreSQL: an append-only table, filtered and summed in SQL.</summary>
internal sealed class PostgresUsageLedger : IUsageLedger
{
    /// <summary>The 14 values of a record, in the order of <see cref="AddRecord"/>.</summary>
    public const string RecordColumns = "arrived_at, correlation_id, key_id, team_id, org_id, endpoint, model, provider, input_tokens, output_tokens, cost_usd, latency_ms, verdict, status_code";

    private readonly PostgresDatabase _database;

    /// <summary>Initializes a new instance of the <see cref="PostgresUsageLedger"/> class.</summary>
    /// <param name="database">The database.</param>
    public PostgresUsageLedger(PostgresDatabase database)
    {
        _database = database;
    }

    /// <summary>Adds a record's values as the next 14 positional parameters, in the order of <see cref="RecordColumns"/>.</summary>
    /// <param name="parameters">The command's parameters.</param>
    /// <param name="record">The record.</param>
    public static void AddRecord(NpgsqlParameterCollection parameters, UsageRecord record)
    {
        parameters.Add(Time(record.At));
        parameters.Add(Text(record.CorrelationId));
        parameters.Add(Text(record.KeyId));
        parameters.Add(Text(record.TeamId));
        parameters.Add(Text(record.OrgId));
        parameters.Add(Text(record.Endpoint));
        parameters.Add(Text(record.Model));
        parameters.Add(Text(record.Provider));
        parameters.Add(Bigint(record.InputTokens));
        parameters.Add(Bigint(record.OutputTokens));
        parameters.Add(Numeric(record.CostUsd));
        parameters.Add(Bigint(record.LatencyMs));
        parameters.Add(Text(record.Verdict));
        parameters.Add(Integer(record.StatusCode));
    }

    /// <inheritdoc/>
    public async ValueTask AppendAsync(UsageRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        await _database.EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = _database.DataSource.CreateCommand(
            $"insert into usage_records ({RecordColumns}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)");
        AddRecord(command.Parameters, record);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<UsageRecord> ReadAsync(UsageFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await _database.EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = _database.DataSource.CreateCommand();
        var sql = new StringBuilder($"select {RecordColumns} from usage_records");
        AppendWhere(sql, command.Parameters, filter);
        sql.Append(" order by arrived_at, seq");
        command.CommandText = sql.ToString();

        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new UsageRecord
            {
                At = reader.GetFieldValue<DateTimeOffset>(0),
                CorrelationId = reader.GetString(1),
                KeyId = reader.GetString(2),
                TeamId = NullableString(reader, 3),
                OrgId = NullableString(reader, 4),
                Endpoint = NullableString(reader, 5),
                Model = NullableString(reader, 6),
                Provider = NullableString(reader, 7),
                InputTokens = reader.GetInt64(8),
                OutputTokens = reader.GetInt64(9),
                CostUsd = reader.GetDecimal(10),
                LatencyMs = reader.GetInt64(11),
                Verdict = reader.GetString(12),
                StatusCode = reader.GetInt32(13),
            };
        }
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<UsageAggregate>> AggregateAsync(UsageFilter filter, UsageGrouping groupBy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await _database.EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);

        // The grouped dimensions come first, in a fixed order; their position in the select list is what is read back.
        string[] dimensions =
        [
            groupBy.HasFlag(UsageGrouping.Key) ? "key_id" : "null::text",
            groupBy.HasFlag(UsageGrouping.Team) ? "team_id" : "null::text",
            groupBy.HasFlag(UsageGrouping.Org) ? "org_id" : "null::text",
            groupBy.HasFlag(UsageGrouping.Model) ? "model" : "null::text",
            groupBy.HasFlag(UsageGrouping.Day) ? "(arrived_at at time zone 'UTC')::date" : "null::date",
        ];
        var grouped = Enumerable.Range(1, dimensions.Length).Where(i => !dimensions[i - 1].StartsWith("null", StringComparison.Ordinal)).ToArray();

        await using var command = _database.DataSource.CreateCommand();
        var sql = new StringBuilder("select ");
        sql.AppendJoin(", ", dimensions);
        sql.Append(", count(*), count(*) filter (where verdict <> '").Append(UsageVerdicts.Ok).Append("'), ")
            .Append("coalesce(sum(input_tokens), 0)::bigint, coalesce(sum(output_tokens), 0)::bigint, coalesce(sum(cost_usd), 0) from usage_records");
        AppendWhere(sql, command.Parameters, filter);
        if (grouped.Length == 0)
        {
            // One total, or none at all when nothing matches (as with any grouping).
            sql.Append(" having count(*) > 0");
        }
        else
        {
            sql.Append(" group by ").AppendJoin(", ", grouped);
            sql.Append(" order by ").AppendJoin(", ", grouped.Select(i => i == 5 ? "5" : $"{dimensions[i - 1]} collate \"C\" nulls first"));
        }

        command.CommandText = sql.ToString();
        var aggregates = new List<UsageAggregate>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            aggregates.Add(new UsageAggregate
            {
                KeyId = NullableString(reader, 0),
                TeamId = NullableString(reader, 1),
                OrgId = NullableString(reader, 2),
                Model = NullableString(reader, 3),
                Day = reader.IsDBNull(4) ? null : reader.GetFieldValue<DateOnly>(4),
                Requests = reader.GetInt64(5),
                Refused = reader.GetInt64(6),
                InputTokens = reader.GetInt64(7),
                OutputTokens = reader.GetInt64(8),
                CostUsd = reader.GetDecimal(9),
            });
        }

        return aggregates;
    }

    private static void AppendWhere(StringBuilder sql, NpgsqlParameterCollection parameters, UsageFilter filter)
    {
        var separator = " where ";
        void Condition(string column, string op, NpgsqlParameter parameter)
        {
            parameters.Add(parameter);
            sql.Append(separator).Append(column).Append(op).Append('$').Append(parameters.Count);
            separator = " and ";
        }

        if (filter.From is { } from)
        {
            Condition("arrived_at", " >= ", Time(from));
        }

        if (filter.To is { } to)
        {
            Condition("arrived_at", " < ", Time(to));
        }

        if (filter.OrgId is { } orgId)
        {
            Condition("org_id", " = ", Text(orgId));
        }

        if (filter.TeamId is { } teamId)
        {
            Condition("team_id", " = ", Text(teamId));
        }

        if (filter.KeyId is { } keyId)
        {
            Condition("key_id", " = ", Text(keyId));
        }

        if (filter.Model is { } model)
        {
            Condition("model", " = ", Text(model));
        }
    }

    private static string? NullableString(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
