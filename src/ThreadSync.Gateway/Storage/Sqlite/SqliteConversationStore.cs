using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using ThreadSync.Gateway.Storage.Internal;

namespace ThreadSync.Gateway.Storage.Sqlite;

/// <summary>
/// Conversations in SQLite. An append is one conditional <c>UPDATE</c> of the turn count followed by the inserts, in
/// one <c>BEGIN IMMEDIATE</c> transaction of the single writer, so appends from this process or others on the file are
/// serialized and only the one that still sees its expected count inserts anything.
/// </summary>
internal sealed class SqliteConversationStore : IConversationStore
{
    private const int PurgeBatch = 500;
    private const int ExportBatch = 50;

    private const string Columns = "id, org_id, subject_id, title, shared, created_at, updated_at, turn_count, summary, summary_through";

    private const string TurnColumns = "conversation_id, seq, role, content, model, correlation_id, input_tokens, output_tokens, at";

    private const string InsertSql = """
        INSERT INTO conversations (id, org_id, subject_id, title, shared, created_at, updated_at, turn_count, summary, summary_through)
        VALUES ($id, $org, $subject, $title, $shared, $created, $updated, 0, NULL, -1)
        ON CONFLICT (id) DO NOTHING
        """;

    private const string SelectSql = "SELECT " + Columns + " FROM conversations WHERE id = $id";

    private const string BumpSql = """
        UPDATE conversations SET turn_count = turn_count + $count, updated_at = $now
        WHERE id = $id AND turn_count = $expected
        """;

    private const string InsertTurnSql = "INSERT INTO conversation_turns (" + TurnColumns + ") VALUES ($id, $seq, $role, $content, $model, $correlation, $input, $output, $at)";

    private const string SelectTurnsSql = "SELECT " + TurnColumns + " FROM conversation_turns WHERE conversation_id = $id AND seq >= $from AND seq < $to ORDER BY seq";

    private const string SummarySql = """
        UPDATE conversations SET summary = $summary, summary_through = $through
        WHERE id = $id AND turn_count > $through AND summary_through <= $through
        """;

    private const string SharedSql = "UPDATE conversations SET shared = $shared WHERE id = $id";

    private const string TitleSql = "UPDATE conversations SET title = $title WHERE id = $id";

    // Explicit, though the foreign key cascades too: a connection without foreign_keys on must not leave turns behind.
    private const string DeleteTurnsSql = "DELETE FROM conversation_turns WHERE conversation_id = $id";

    private const string DeleteSql = "DELETE FROM conversations WHERE id = $id";

    private const string PurgeSelectSql = "SELECT id FROM conversations WHERE org_id = $org AND updated_at < $before LIMIT $limit";

    private const string ExportSql = "SELECT " + Columns + " FROM conversations WHERE org_id = $org AND id > $after ORDER BY id LIMIT $limit";

    private readonly SqliteDatabase _db;

    public SqliteConversationStore(SqliteDatabase db) => _db = db;

    public ValueTask<bool> CreateAsync(Conversation conversation, CancellationToken cancellationToken = default)
    {
        ConversationValidation.ValidateNew(conversation);
        return _db.WriteAsync(conversation, static (s, conversation) =>
        {
            var c = s.Command(InsertSql, "$id", "$org", "$subject", "$title", "$shared", "$created", "$updated");
            c.Set(0, conversation.Id);
            c.Set(1, conversation.OrgId);
            c.Set(2, conversation.SubjectId);
            c.Set(3, conversation.Title);
            c.Set(4, conversation.Shared ? 1L : 0L);
            c.Set(5, SqliteValues.Ticks(conversation.CreatedAt));
            c.Set(6, SqliteValues.Ticks(conversation.UpdatedAt));
            return c.ExecuteNonQuery() == 1;
        }, cancellationToken);
    }

    public ValueTask<Conversation?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return _db.ReadAsync(id, static (s, id) => Select(s, id), cancellationToken);
    }

    public ValueTask<bool> AppendTurnsAsync(string conversationId, long expectedTurnCount, IReadOnlyList<ConversationTurn> turns, CancellationToken cancellationToken = default)
    {
        ConversationValidation.ValidateAppend(conversationId, expectedTurnCount, turns);
        return _db.WriteAsync((Db: _db, Id: conversationId, Expected: expectedTurnCount, Turns: turns), static (s, state) =>
        {
            var bump = s.Command(BumpSql, "$id", "$expected", "$count", "$now");
            bump.Set(0, state.Id);
            bump.Set(1, state.Expected);
            bump.Set(2, (long)state.Turns.Count);
            bump.Set(3, SqliteValues.Ticks(state.Db.TimeProvider.GetUtcNow()));
            if (bump.ExecuteNonQuery() != 1)
            {
                return false;
            }

            var insert = s.Command(InsertTurnSql, "$id", "$seq", "$role", "$content", "$model", "$correlation", "$input", "$output", "$at");
            for (var i = 0; i < state.Turns.Count; i++)
            {
                var turn = state.Turns[i];
                insert.Set(0, state.Id);
                insert.Set(1, state.Expected + i);
                insert.Set(2, turn.Role);
                insert.Set(3, turn.Content);
                insert.Set(4, turn.Model);
                insert.Set(5, turn.CorrelationId);
                insert.Set(6, turn.InputTokens);
                insert.Set(7, turn.OutputTokens);
                insert.Set(8, SqliteValues.Ticks(turn.At));
                insert.ExecuteNonQuery();
            }

            return true;
        }, cancellationToken);
    }

    public ValueTask<IReadOnlyList<ConversationTurn>> ListTurnsAsync(string conversationId, long fromSequence = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        return _db.ReadAsync((Id: conversationId, From: Math.Max(0, fromSequence)), static (s, state) => Turns(s, state.Id, state.From, long.MaxValue), cancellationToken);
    }

    public ValueTask<bool> SetSummaryAsync(string conversationId, string summary, long throughSequence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentOutOfRangeException.ThrowIfNegative(throughSequence);
        return _db.WriteAsync((Id: conversationId, Summary: summary, Through: throughSequence), static (s, state) =>
        {
            var c = s.Command(SummarySql, "$id", "$summary", "$through");
            c.Set(0, state.Id);
            c.Set(1, state.Summary);
            c.Set(2, state.Through);
            return c.ExecuteNonQuery() == 1;
        }, cancellationToken);
    }

    public ValueTask<bool> SetSharedAsync(string id, bool shared, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return UpdateAsync(SharedSql, "$shared", id, shared ? 1L : 0L, cancellationToken);
    }

    public ValueTask<bool> SetTitleAsync(string id, string? title, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return UpdateAsync(TitleSql, "$title", id, title, cancellationToken);
    }

    public ValueTask<IReadOnlyList<Conversation>> ListAsync(ConversationQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        return _db.ReadAsync(query, static (s, query) =>
        {
            // Built per call from fixed fragments (only values are parameters), so each filter combination uses its index.
            var sql = "SELECT " + Columns + " FROM conversations WHERE org_id = $org"
                + (query.SubjectId is null ? string.Empty : " AND subject_id = $subject")
                + (query.SharedOnly ? " AND shared = 1" : string.Empty)
                + (query.After is null ? string.Empty : " AND (updated_at, id) < ($before, $before_id)")
                + " ORDER BY updated_at DESC, id DESC LIMIT $limit";
            var c = s.Command(sql, "$org", "$subject", "$before", "$before_id", "$limit");
            c.Set(0, query.OrgId);
            c.Set(1, query.SubjectId);
            c.Set(2, query.After is null ? null : SqliteValues.Ticks(query.After.UpdatedAt));
            c.Set(3, query.After?.Id);
            c.Set(4, (long)query.Limit);
            using var r = c.ExecuteReader();
            var list = new List<Conversation>();
            while (r.Read())
            {
                list.Add(Read(r));
            }

            return (IReadOnlyList<Conversation>)list;
        }, cancellationToken);
    }

    public ValueTask<bool> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return _db.WriteAsync(id, static (s, id) => Delete(s, id), cancellationToken);
    }

    public async ValueTask<long> PurgeAsync(string orgId, DateTimeOffset olderThan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(orgId);
        long total = 0;
        while (true)
        {
            // One batch per transaction, so other writers get the lock between batches.
            var deleted = await _db.WriteAsync((Org: orgId, Before: SqliteValues.Ticks(olderThan)), static (s, state) =>
            {
                var select = s.Command(PurgeSelectSql, "$org", "$before", "$limit");
                select.Set(0, state.Org);
                select.Set(1, state.Before);
                select.Set(2, (long)PurgeBatch);
                var ids = new List<string>();
                using (var r = select.ExecuteReader())
                {
                    while (r.Read())
                    {
                        ids.Add(r.GetString(0));
                    }
                }

                foreach (var id in ids)
                {
                    Delete(s, id);
                }

                return ids.Count;
            }, cancellationToken).ConfigureAwait(false);
            total += deleted;
            if (deleted < PurgeBatch)
            {
                return total;
            }
        }
    }

    public async IAsyncEnumerable<ConversationExport> ExportAsync(string orgId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(orgId);
        var after = string.Empty;
        while (true)
        {
            var batch = await _db.ReadAsync((Org: orgId, After: after), static (s, state) =>
            {
                var c = s.Command(ExportSql, "$org", "$after", "$limit");
                c.Set(0, state.Org);
                c.Set(1, state.After);
                c.Set(2, (long)ExportBatch);
                var conversations = new List<Conversation>();
                using (var r = c.ExecuteReader())
                {
                    while (r.Read())
                    {
                        conversations.Add(Read(r));
                    }
                }

                // Only the turns the conversation counted as it was read: later appends are left out.
                return conversations.Select(conversation => new ConversationExport(conversation, Turns(s, conversation.Id, 0, conversation.TurnCount))).ToList();
            }, cancellationToken).ConfigureAwait(false);

            foreach (var export in batch)
            {
                yield return export;
            }

            if (batch.Count < ExportBatch)
            {
                yield break;
            }

            after = batch[^1].Conversation.Id;
        }
    }

    private static bool Delete(SqliteSession s, string id)
    {
        var turns = s.Command(DeleteTurnsSql, "$id");
        turns.Set(0, id);
        turns.ExecuteNonQuery();
        var c = s.Command(DeleteSql, "$id");
        c.Set(0, id);
        return c.ExecuteNonQuery() == 1;
    }

    private static Conversation? Select(SqliteSession s, string id)
    {
        var c = s.Command(SelectSql, "$id");
        c.Set(0, id);
        using var r = c.ExecuteReader();
        return r.Read() ? Read(r) : null;
    }

    private static IReadOnlyList<ConversationTurn> Turns(SqliteSession s, string id, long from, long to)
    {
        var c = s.Command(SelectTurnsSql, "$id", "$from", "$to");
        c.Set(0, id);
        c.Set(1, from);
        c.Set(2, to);
        using var r = c.ExecuteReader();
        var list = new List<ConversationTurn>();
        while (r.Read())
        {
            list.Add(new ConversationTurn
            {
                ConversationId = r.GetString(0),
                Sequence = r.GetInt64(1),
                Role = r.GetString(2),
                Content = r.GetStringOrNull(3),
                Model = r.GetStringOrNull(4),
                CorrelationId = r.GetStringOrNull(5),
                InputTokens = r.GetInt64(6),
                OutputTokens = r.GetInt64(7),
                At = r.GetTime(8),
            });
        }

        return list;
    }

    private static Conversation Read(SqliteDataReader r) => new()
    {
        Id = r.GetString(0),
        OrgId = r.GetString(1),
        SubjectId = r.GetString(2),
        Title = r.GetStringOrNull(3),
        Shared = r.GetInt64(4) != 0,
        CreatedAt = r.GetTime(5),
        UpdatedAt = r.GetTime(6),
        TurnCount = r.GetInt64(7),
        Summary = r.GetStringOrNull(8),
        SummaryThrough = r.GetInt64(9),
    };

    private ValueTask<bool> UpdateAsync(string sql, string valueName, string id, object? value, CancellationToken cancellationToken) =>
        _db.WriteAsync((Sql: sql, Name: valueName, Id: id, Value: value), static (s, state) =>
        {
            var c = s.Command(state.Sql, "$id", state.Name);
            c.Set(0, state.Id);
            c.Set(1, state.Value);
            return c.ExecuteNonQuery() == 1;
        }, cancellationToken);
}
