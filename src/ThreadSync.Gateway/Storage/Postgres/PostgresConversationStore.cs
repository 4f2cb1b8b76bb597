using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;
using ThreadSync.Gateway.Storage.Internal;
using static ThreadSync.Gateway.Storage.Postgres.PostgresParameters;

namespace ThreadSync.Gateway.Storage.Postgres;

/// <summary>
/// Conversations in PostgreSQL, shared by every instance on the database. An append is one statement: a conditional
/// <c>UPDATE … WHERE turn_count = $expected</c> feeding the turns' <c>INSERT</c>. Racing appends queue on the row lock
/// and each re-checks the count after the one before committed, so only one with a given expected count inserts.
/// </summary>
internal sealed class PostgresConversationStore : IConversationStore
{
    private const int PurgeBatch = 500;
    private const int ExportBatch = 50;

    private const string Columns = "id, org_id, subject_id, title, shared, created_at, updated_at, turn_count, summary, summary_through";

    private const string TurnColumns = "conversation_id, seq, role, content, model, correlation_id, input_tokens, output_tokens, at";

    private const string InsertSql = """
        insert into conversations (id, org_id, subject_id, title, shared, created_at, updated_at, turn_count, summary, summary_through)
        values ($1, $2, $3, $4, $5, $6, $7, 0, null, -1)
        on conflict (id) do nothing
        """;

    private const string SelectSql = "select " + Columns + " from conversations where id = $1";

    private const string AppendSql = """
        with bumped as (
            update conversations set turn_count = turn_count + cardinality($3::text[]), updated_at = coalesce($10, now())
            where id = $1 and turn_count = $2
            returning id)
        insert into conversation_turns (conversation_id, seq, role, content, model, correlation_id, input_tokens, output_tokens, at)
        select b.id, $2 + t.ord - 1, t.role, t.content, t.model, t.correlation_id, t.input_tokens, t.output_tokens, t.at
        from bumped b
        cross join unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::bigint[], $9::timestamptz[])
            with ordinality as t (role, content, model, correlation_id, input_tokens, output_tokens, at, ord)
        """;

    private const string SelectTurnsSql = "select " + TurnColumns + " from conversation_turns where conversation_id = $1 and seq >= $2 and seq < $3 order by seq";

    private const string SummarySql = """
        update conversations set summary = $2, summary_through = $3
        where id = $1 and turn_count > $3 and summary_through <= $3
        """;

    private const string SharedSql = "update conversations set shared = $2 where id = $1";

    private const string TitleSql = "update conversations set title = $2 where id = $1";

    private const string DeleteSql = "delete from conversations where id = $1";

    // Batches skip rows another purge (or an append) holds, so purges on several instances neither wait nor collide.
    private const string PurgeSql = """
        delete from conversations where id in (
            select id from conversations
            where org_id = $1 and updated_at < $2
            limit $3
            for update skip locked)
        """;

    private const string ExportSql = "select " + Columns + " from conversations where org_id = $1 and id > $2 order by id limit $3";

    private readonly PostgresDatabase _database;

    /// <summary>Initializes a new instance of the <see cref="PostgresConversationStore"/> class.</summary>
    /// <param name="database">The database.</param>
    public PostgresConversationStore(PostgresDatabase database)
    {
        _database = database;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> CreateAsync(Conversation conversation, CancellationToken cancellationToken = default)
    {
        ConversationValidation.ValidateNew(conversation);
        await _database.EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = _database.DataSource.CreateCommand(InsertSql);
        command.Parameters.Add(Text(conversation.Id));
        command.Parameters.Add(Text(conversation.OrgId));
        command.Parameters.Add(Text(conversation.SubjectId));
        command.Parameters.Add(Text(conversation.Title));
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = conversation.Shared });
        command.Parameters.Add(Time(conversation.CreatedAt));
        command.Parameters.Add(Time(conversation.UpdatedAt));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc/>
    public async ValueTask<Conversation?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await _database.EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = _database.DataSource.CreateCommand(SelectSql);
        command.Parameters.Add(Text(id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> AppendTurnsAsync(string conversationId, long expectedTurnCount, IReadOnlyList<ConversationTurn> turns, CancellationToken cancellationToken = default)
    {
        ConversationValidation.ValidateAppend(conversationId, expectedTurnCount, turns);
        await _database.EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = _database.DataSource.CreateCommand(AppendSql);
        command.Parameters.Add(Text(conversationId));
        command.Parameters.Add(Bigint(expectedTurnCount));
        command.Parameters.Add(TextArray(turns.Select(t => t.Role)));
        command.Parameters.Add(TextArray(turns.Select(t => t.Content)));
        command.Parameters.Add(TextArray(turns.Select(t => t.Model)));
        command.Parameters.Add(TextArray(turns.Select(t => t.CorrelationId)));
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. turns.Select(t => t.InputTokens)] });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. turns.Select(t => t.OutputTokens)] });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. turns.Select(t => t.At.ToUniversalTime())] });
        command.Parameters.Add(_database.NowParameter());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<ConversationTurn>> ListTurnsAsync(string conversationId, long fromSequence = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        await _database.EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        return await TurnsAsync(conversationId, Math.Max(0, fromSequence), long.MaxValue, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<bool> SetSummaryAsync(string conversationId, string summary, long throughSequence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentOutOfRangeException.ThrowIfNegative(throughSequence);
        await _database.EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = _database.DataSource.CreateCommand(SummarySql);
        command.Parameters.Add(Text(conversationId));
        command.Parameters.Add(Text(summary));
        command.Parameters.Add(Bigint(throughSequence));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc/>
    public ValueTask<bool> SetSharedAsync(string id, bool shared, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return UpdateAsync(SharedSql, id, new NpgsqlParameter<bool> { TypedValue = shared }, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<bool> SetTitleAsync(string id, string? title, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return UpdateAsync(TitleSql, id, Text(title), cancellationToken);
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<Conversation>> ListAsync(ConversationQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        await _database.EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);

        // Built from fixed fragments (only values are parameters), so each filter combination gets a plan that uses its index.
        var sql = "select " + Columns + " from conversations where org_id = $1"
            + (query.SubjectId is null ? string.Empty : " and subject_id = $3")
            + (query.SharedOnly ? " and shared" : string.Empty)
            + (query.After is null ? string.Empty : query.SubjectId is null ? " and (updated_at, id) < ($3, $4)" : " and (updated_at, id) < ($4, $5)")
            + " order by updated_at desc, id desc limit $2";
        await using var command = _database.DataSource.CreateCommand(sql);
        command.Parameters.Add(Text(query.OrgId));
        command.Parameters.Add(Integer(query.Limit));
        if (query.SubjectId is not null)
        {
            command.Parameters.Add(Text(query.SubjectId));
        }

        if (query.After is not null)
        {
            command.Parameters.Add(Time(query.After.UpdatedAt));
            command.Parameters.Add(Text(query.After.Id));
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<Conversation>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(Read(reader));
        }

        return list;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await _database.EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);

        // The turns go with it (on delete cascade), in the same statement.
        await using var command = _database.DataSource.CreateCommand(DeleteSql);
        command.Parameters.Add(Text(id));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc/>
    public async ValueTask<long> PurgeAsync(string orgId, DateTimeOffset olderThan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(orgId);
        await _database.EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        long total = 0;
        while (true)
        {
            await using var command = _database.DataSource.CreateCommand(PurgeSql);
            command.Parameters.Add(Text(orgId));
            command.Parameters.Add(Time(olderThan));
            command.Parameters.Add(Integer(PurgeBatch));
            var deleted = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            total += deleted;
            if (deleted < PurgeBatch)
            {
                return total;
            }
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ConversationExport> ExportAsync(string orgId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(orgId);
        await _database.EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        var after = string.Empty;
        while (true)
        {
            var batch = new List<Conversation>(ExportBatch);
            await using (var command = _database.DataSource.CreateCommand(ExportSql))
            {
                command.Parameters.Add(Text(orgId));
                command.Parameters.Add(Text(after));
                command.Parameters.Add(Integer(ExportBatch));
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    batch.Add(Read(reader));
                }
            }

            foreach (var conversation in batch)
            {
                // Only the turns the conversation counted as it was read: later appends are left out.
                var turns = await TurnsAsync(conversation.Id, 0, conversation.TurnCount, cancellationToken).ConfigureAwait(false);
                yield return new ConversationExport(conversation, turns);
            }

            if (batch.Count < ExportBatch)
            {
                yield break;
            }

            after = batch[^1].Id;
        }
    }

    private static NpgsqlParameter TextArray(IEnumerable<string?> values) => new()
    {
        NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text,
        Value = values.ToArray(),
    };

    private static Conversation Read(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetString(0),
        OrgId = reader.GetString(1),
        SubjectId = reader.GetString(2),
        Title = reader.IsDBNull(3) ? null : reader.GetString(3),
        Shared = reader.GetBoolean(4),
        CreatedAt = reader.GetFieldValue<DateTimeOffset>(5),
        UpdatedAt = reader.GetFieldValue<DateTimeOffset>(6),
        TurnCount = reader.GetInt64(7),
        Summary = reader.IsDBNull(8) ? null : reader.GetString(8),
        SummaryThrough = reader.GetInt64(9),
    };

    private async ValueTask<IReadOnlyList<ConversationTurn>> TurnsAsync(string conversationId, long from, long to, CancellationToken cancellationToken)
    {
        await using var command = _database.DataSource.CreateCommand(SelectTurnsSql);
        command.Parameters.Add(Text(conversationId));
        command.Parameters.Add(Bigint(from));
        command.Parameters.Add(Bigint(to));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<ConversationTurn>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new ConversationTurn
            {
                ConversationId = reader.GetString(0),
                Sequence = reader.GetInt64(1),
                Role = reader.GetString(2),
                Content = reader.IsDBNull(3) ? null : reader.GetString(3),
                Model = reader.IsDBNull(4) ? null : reader.GetString(4),
                CorrelationId = reader.IsDBNull(5) ? null : reader.GetString(5),
                InputTokens = reader.GetInt64(6),
                OutputTokens = reader.GetInt64(7),
                At = reader.GetFieldValue<DateTimeOffset>(8),
            });
        }

        return list;
    }

    private async ValueTask<bool> UpdateAsync(string sql, string id, NpgsqlParameter value, CancellationToken cancellationToken)
    {
        await _database.EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = _database.DataSource.CreateCommand(sql);
        command.Parameters.Add(Text(id));
        command.Parameters.Add(value);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }
}
