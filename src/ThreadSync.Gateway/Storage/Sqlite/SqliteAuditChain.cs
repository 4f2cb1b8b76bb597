using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using ThreadSync.Gateway.Audit;
using ThreadSync.Gateway.Audit.Internal;

namespace ThreadSync.Gateway.Storage.Sqlite;

/// <summary>
/// The audit chain in SQLite: each append is one write on the database's writer thread (<see cref="SqliteWriter"/>),
/// which reads the head row, hashes the record onto it, inserts it and rewrites the head. The writer group-commits
/// whatever is queued in one <c>BEGIN IMMEDIATE</c> transaction, which takes the file's write lock before the head is
/// read, so appends are chained in queue order and processes sharing the file extend one chain without forks. An append
/// completes as <see cref="AuditDurability"/> says: after the log's fsync (<see cref="AuditDurability.Synced"/>) or at
/// the commit, with the fsync started (<see cref="AuditDurability.Committed"/>).
/// </summary>
internal sealed class SqliteAuditChain : IAuditChain
{
    private const string Columns = "c.seq, c.at, c.kind, c.correlation_id, c.key_id, c.org_id, c.team_id, c.endpoint, c.model, c.provider, c.route_method, c.verdict, c.input_tokens, c.output_tokens, c.cost_usd, c.latency_ms, c.status_code, c.fallback_attempts, c.prompt_sha256, c.response_sha256, c.actor, c.action, c.target, c.details, c.prev_hash, c.hash";
    private const int ColumnCount = 26;

    private const string SelectHead = "SELECT seq, hash FROM audit_head WHERE id = 1";
    private const string UpdateHead = "UPDATE audit_head SET seq = $seq, hash = $hash WHERE id = 1";
    private const string InsertContent = "INSERT INTO audit_content (seq, prompt, response, expires_at) VALUES ($seq, $prompt, $response, $expires)";
    private const string InsertRecord = """
        INSERT INTO audit_chain (seq, at, kind, correlation_id, key_id, org_id, team_id, endpoint, model, provider, route_method, verdict, input_tokens, output_tokens, cost_usd, latency_ms, status_code, fallback_attempts, prompt_sha256, response_sha256, actor, action, target, details, prev_hash, hash)
        VALUES ($seq, $at, $kind, $correlation, $key, $org, $team, $endpoint, $model, $provider, $route, $verdict, $input, $output, $cost, $latency, $status, $fallbacks, $prompt, $response, $actor, $action, $target, $details, $prev, $hash)
        """;

    private const string SelectRange = $"SELECT {Columns} FROM audit_chain c WHERE c.seq >= $from AND c.seq <= $to ORDER BY c.seq";
    private const string SelectRangeWithContent = $"SELECT {Columns}, t.prompt, t.response, t.expires_at FROM audit_chain c LEFT JOIN audit_content t ON t.seq = c.seq WHERE c.seq >= $from AND c.seq <= $to ORDER BY c.seq";
    private const string PurgeContent = "DELETE FROM audit_content WHERE expires_at <= $now";

    private static readonly string[] InsertParameters =
    [
        "$seq", "$at", "$kind", "$correlation", "$key", "$org", "$team", "$endpoint", "$model", "$provider", "$route", "$verdict", "$input",
        "$output", "$cost", "$latency", "$status", "$fallbacks", "$prompt", "$response", "$actor", "$action", "$target", "$details", "$prev", "$hash",
    ];

    private readonly SqliteDatabase _db;
    private readonly SqliteWriteDurability _durability;

    // Used only on the writer thread.
    private readonly AuditBatchChainer _chainer = new();
    private readonly List<PendingAuditAppend> _one = new(1);

    // The head this writer last wrote, valid while the writer's generation holds (no other process committed, nothing
    // was rolled back): it saves reading the head row on every append.
    private long _headGeneration = long.MinValue;
    private long _headSequence;
    private byte[] _headHash = [];

    public SqliteAuditChain(SqliteDatabase db, AuditDurability durability)
    {
        _db = db;
        _durability = durability == AuditDurability.Committed ? SqliteWriteDurability.CommittedSyncing : SqliteWriteDurability.Synced;
    }

    public ValueTask<AuditHead> AppendAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrEmpty(record.Kind);

        // Straight onto the writer, which already group-commits: a batching loop of our own would add two thread hand-offs.
        return _db.WriteDurableAsync((Chain: this, Pending: new PendingAuditAppend(record)), static (s, state) =>
        {
            state.Chain.Commit(s, state.Pending);
            return new AuditHead(state.Pending.Record.Sequence, state.Pending.Record.Hash!);
        }, _durability, cancellationToken);
    }

    public ValueTask<AuditHead?> GetHeadAsync(CancellationToken cancellationToken = default) =>
        _db.ReadAsync(0, static (s, _) => ReadHead(s), cancellationToken);

    public async IAsyncEnumerable<AuditRecord> ReadAsync(long fromSequence = 0, long? toSequence = null, bool includeContent = false, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var session = await _db.RentReaderAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var command = RangeCommand(session, fromSequence, toSequence, includeContent);
            using var r = command.ExecuteReader();
            while (r.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return ReadRecord(r, includeContent);
            }
        }
        finally
        {
            _db.ReturnReader(session);
        }
    }

    public ValueTask<IReadOnlyList<AuditRecord>> ListLatestAsync(string kind, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);

        // The kind is matched as a literal so the partial index on admin records applies; only known kinds exist.
        if (kind is not (AuditKinds.Admin or AuditKinds.Inference or AuditKinds.Session or AuditKinds.Genesis))
        {
            return new ValueTask<IReadOnlyList<AuditRecord>>([]);
        }

        return _db.ReadAsync((kind, limit), static (s, state) =>
        {
            var c = s.Command($"SELECT {Columns} FROM audit_chain c WHERE c.kind = '{state.kind}' ORDER BY c.seq DESC LIMIT $limit", "$limit");
            c.Set(0, (long)state.limit);
            using var r = c.ExecuteReader();
            var list = new List<AuditRecord>();
            while (r.Read())
            {
                list.Add(ReadRecord(r, content: false));
            }

            return (IReadOnlyList<AuditRecord>)list;
        }, cancellationToken);
    }

    public ValueTask<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default) =>
        _db.ReadAsync(cancellationToken, static (s, cancellationToken) =>
        {
            // One read transaction: the head and the records come from the same snapshot.
            s.Command("BEGIN DEFERRED").ExecuteNonQuery();
            try
            {
                var head = ReadHead(s);
                var verifier = new AuditChainVerifier();
                using (var r = RangeCommand(s, 0, null, content: true).ExecuteReader())
                {
                    while (r.Read() && verifier.Add(ReadRecord(r, content: true)))
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                    }
                }

                return verifier.CompleteAgainstHead(head);
            }
            finally
            {
                s.Commit();
            }
        }, cancellationToken);

    public ValueTask<int> PurgeContentAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        _db.WriteAsync(now, static (s, now) =>
        {
            var c = s.Command(PurgeContent, "$now");
            c.Set(0, SqliteValues.Ticks(now));
            return c.ExecuteNonQuery();
        }, cancellationToken);

    private static AuditHead? ReadHead(SqliteSession s)
    {
        using var r = s.Command(SelectHead).ExecuteReader();
        if (!r.Read() || r.GetInt64(0) < 0)
        {
            return null;
        }

        return new AuditHead(r.GetInt64(0), Convert.ToHexStringLower(r.GetFieldValue<byte[]>(1)));
    }

    private static SqliteCommand RangeCommand(SqliteSession s, long from, long? to, bool content)
    {
        var command = s.Command(content ? SelectRangeWithContent : SelectRange, "$from", "$to");
        command.Set(0, from);
        command.Set(1, to ?? long.MaxValue);
        return command;
    }

    private static AuditRecord ReadRecord(SqliteDataReader r, bool content) => new()
    {
        Sequence = r.GetInt64(0),
        At = r.GetTime(1),
        Kind = r.GetString(2),
        CorrelationId = r.GetStringOrNull(3),
        KeyId = r.GetStringOrNull(4),
        OrgId = r.GetStringOrNull(5),
        TeamId = r.GetStringOrNull(6),
        Endpoint = r.GetStringOrNull(7),
        Model = r.GetStringOrNull(8),
        Provider = r.GetStringOrNull(9),
        RouteMethod = r.GetStringOrNull(10),
        Verdict = r.GetStringOrNull(11),
        InputTokens = r.GetInt64(12),
        OutputTokens = r.GetInt64(13),
        CostUsd = SqliteValues.Usd(r.GetString(14)),
        LatencyMs = r.GetInt64(15),
        StatusCode = r.GetInt32(16),
        FallbackAttempts = r.GetInt32(17),
        PromptSha256 = Hex(r, 18),
        ResponseSha256 = Hex(r, 19),
        Actor = r.GetStringOrNull(20),
        Action = r.GetStringOrNull(21),
        Target = r.GetStringOrNull(22),
        Details = r.GetStringOrNull(23),
        PreviousHash = Hex(r, 24),
        Hash = Hex(r, 25),
        Content = !content || r.IsDBNull(ColumnCount + 2) ? null : new AuditContent
        {
            Prompt = r.IsDBNull(ColumnCount) ? null : r.GetFieldValue<byte[]>(ColumnCount),
            Response = r.IsDBNull(ColumnCount + 1) ? null : r.GetFieldValue<byte[]>(ColumnCount + 1),
            ExpiresAt = r.GetTime(ColumnCount + 2),
        },
    };

    private static string? Hex(SqliteDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : Convert.ToHexStringLower(r.GetFieldValue<byte[]>(ordinal));

    private static byte[]? Bytes(string? hex) => hex is null ? null : Convert.FromHexString(hex);

    private static void Insert(SqliteSession s, PendingAuditAppend pending)
    {
        var record = pending.Record;
        var c = s.Command(InsertRecord, InsertParameters);
        c.Set(0, record.Sequence);
        c.Set(1, SqliteValues.Ticks(record.At));
        c.Set(2, record.Kind);
        c.Set(3, record.CorrelationId);
        c.Set(4, record.KeyId);
        c.Set(5, record.OrgId);
        c.Set(6, record.TeamId);
        c.Set(7, record.Endpoint);
        c.Set(8, record.Model);
        c.Set(9, record.Provider);
        c.Set(10, record.RouteMethod);
        c.Set(11, record.Verdict);
        c.Set(12, record.InputTokens);
        c.Set(13, record.OutputTokens);
        c.Set(14, AuditCanonicalEncoding.FormatCost(record.CostUsd));
        c.Set(15, record.LatencyMs);
        c.Set(16, (long)record.StatusCode);
        c.Set(17, (long)record.FallbackAttempts);
        c.Set(18, Bytes(record.PromptSha256));
        c.Set(19, Bytes(record.ResponseSha256));
        c.Set(20, record.Actor);
        c.Set(21, record.Action);
        c.Set(22, record.Target);
        c.Set(23, record.Details);
        c.Set(24, pending.PreviousHash);
        c.Set(25, pending.Hash);
        c.ExecuteNonQuery();

        if (record.Content is { } content && (content.Prompt is not null || content.Response is not null))
        {
            var k = s.Command(InsertContent, "$seq", "$prompt", "$response", "$expires");
            k.Set(0, record.Sequence);
            k.Set(1, content.Prompt);
            k.Set(2, content.Response);
            k.Set(3, SqliteValues.Ticks(content.ExpiresAt));
            k.ExecuteNonQuery();
        }
    }

    /// <summary>Chains and inserts one record inside the writer's transaction (a failure is undone with its savepoint).</summary>
    private void Commit(SqliteSession s, PendingAuditAppend pending)
    {
        var batch = _one;
        batch.Clear();
        batch.Add(pending);
        var generation = _db.WriterGeneration;
        if (generation != _headGeneration)
        {
            using var r = s.Command(SelectHead).ExecuteReader();
            if (!r.Read())
            {
                throw new InvalidOperationException("The audit chain's head row is missing: the database was altered outside the gateway.");
            }

            _headSequence = r.GetInt64(0);
            _headHash = r.GetFieldValue<byte[]>(1);
        }

        // Forget the head until this append stands: if it throws, its savepoint is undone and the generation moves.
        _headGeneration = long.MinValue;
        if (_chainer.Chain(_headSequence, _headHash, batch, _db.TimeProvider.GetUtcNow()) is { } genesis)
        {
            Insert(s, genesis);
        }

        Insert(s, pending);
        var head = s.Command(UpdateHead, "$seq", "$hash");
        head.Set(0, pending.Record.Sequence);
        head.Set(1, pending.Hash);
        head.ExecuteNonQuery();
        _headSequence = pending.Record.Sequence;
        _headHash = pending.Hash!;
        _headGeneration = generation;
    }
}
