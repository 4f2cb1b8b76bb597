using System.Data;
using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;
using ThreadSync.Gateway.Audit;
using ThreadSync.Gateway.Audit.Internal;
using static ThreadSync.Gateway.Storage.Postgres.PostgresParameters;

namespace ThreadSync.Gateway.Storage.Postgres;

/// <summary>
/// The audit chain in PostgreSQL, one chain for every instance on the database. Each instance group-commits its appends
/// with one background writer; each batch runs in one transaction that locks the single <c>audit_head</c> row
/// (<c>select … for update</c>), numbers and hashes its records after the head, inserts them in one statement and
/// moves the head. Batches of different instances therefore queue on the head row and never fork or leave gaps.
/// </summary>
internal sealed class PostgresAuditChain : IAuditChain, IAsyncDisposable
{
    private const string Columns = "c.seq, c.at, c.kind, c.correlation_id, c.key_id, c.org_id, c.team_id, c.endpoint, c.model, c.provider, c.route_method, c.verdict, c.input_tokens, c.output_tokens, c.cost_usd, c.latency_ms, c.status_code, c.fallback_attempts, c.prompt_sha256, c.response_sha256, c.actor, c.action, c.target, c.details, c.prev_hash, c.hash";
    private const int ColumnCount = 26;

    private const string LockHead = "select seq, hash, coalesce($1, now()) from audit_head where id = 1 for update";
    private const string SelectHead = "select seq, hash from audit_head where id = 1";
    private const string UpdateHead = "update audit_head set seq = $1, hash = $2 where id = 1";
    private const string InsertRecords = """
        insert into audit_chain (seq, at, kind, correlation_id, key_id, org_id, team_id, endpoint, model, provider, route_method, verdict, input_tokens, output_tokens, cost_usd, latency_ms, status_code, fallback_attempts, prompt_sha256, response_sha256, actor, action, target, details, prev_hash, hash)
        select * from unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::bigint[], $14::bigint[], $15::numeric[], $16::bigint[], $17::integer[], $18::integer[], $19::bytea[], $20::bytea[], $21::text[], $22::text[], $23::text[], $24::text[], $25::bytea[], $26::bytea[])
        """;

    private const string InsertContent = "insert into audit_content (seq, prompt, response, expires_at) select * from unnest($1::bigint[], $2::bytea[], $3::bytea[], $4::timestamptz[])";
    private const string SelectRange = $"select {Columns} from audit_chain c where c.seq >= $1 and c.seq <= $2 order by c.seq";
    private const string SelectRangeWithContent = $"select {Columns}, t.prompt, t.response, t.expires_at from audit_chain c left join audit_content t on t.seq = c.seq where c.seq >= $1 and c.seq <= $2 order by c.seq";

    private readonly PostgresDatabase _database;
    private readonly AuditGroupCommitter _committer;
    private readonly AuditDurability _durability;

    // Used only by the committer's loop.
    private readonly AuditBatchChainer _chainer = new();

    /// <summary>Initializes a new instance of the <see cref="PostgresAuditChain"/> class.</summary>
    /// <param name="database">The database.</param>
    /// <param name="durability">When an append completes: once the server flushed it, or at the commit.</param>
    public PostgresAuditChain(PostgresDatabase database, AuditDurability durability)
    {
        _database = database;
        _durability = durability;
        _committer = new AuditGroupCommitter(CommitAsync);
        database.AddDependent(this);
    }

    /// <inheritdoc/>
    public ValueTask<AuditHead> AppendAsync(AuditRecord record, CancellationToken cancellationToken = default) =>
        _committer.AppendAsync(record, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask<AuditHead?> GetHeadAsync(CancellationToken cancellationToken = default)
    {
        await _database.EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = _database.DataSource.CreateCommand(SelectHead);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await ReadHeadAsync(reader, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<AuditRecord> ReadAsync(long fromSequence = 0, long? toSequence = null, bool includeContent = false, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await _database.EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = _database.DataSource.CreateCommand(includeContent ? SelectRangeWithContent : SelectRange);
        command.Parameters.Add(Bigint(fromSequence));
        command.Parameters.Add(Bigint(toSequence ?? long.MaxValue));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return ReadRecord(reader, includeContent);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<AuditRecord>> ListLatestAsync(string kind, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);

        // The kind is matched as a literal so the partial index on admin records applies; only known kinds exist.
        if (kind is not (AuditKinds.Admin or AuditKinds.Inference or AuditKinds.Session or AuditKinds.Genesis))
        {
            return [];
        }

        await _database.EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = _database.DataSource.CreateCommand($"select {Columns} from audit_chain c where c.kind = '{kind}' order by c.seq desc limit $1");
        command.Parameters.Add(Integer(limit));
        var records = new List<AuditRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            records.Add(ReadRecord(reader, content: false));
        }

        return records;
    }

    /// <inheritdoc/>
    public async ValueTask<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        await _database.EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await _database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

        // One snapshot for the head and the records.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        AuditHead? head;
        await using (var command = new NpgsqlCommand(SelectHead, connection, transaction))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            head = await ReadHeadAsync(reader, cancellationToken).ConfigureAwait(false);
        }

        var verifier = new AuditChainVerifier();
        await using (var command = new NpgsqlCommand(SelectRangeWithContent, connection, transaction))
        {
            command.Parameters.Add(Bigint(0));
            command.Parameters.Add(Bigint(long.MaxValue));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && verifier.Add(ReadRecord(reader, content: true)))
            {
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return verifier.CompleteAgainstHead(head);
    }

    /// <inheritdoc/>
    public async ValueTask<int> PurgeContentAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await _database.EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = _database.DataSource.CreateCommand("delete from audit_content where expires_at <= $1");
        command.Parameters.Add(Time(now));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _committer.DisposeAsync();

    private static async ValueTask<AuditHead?> ReadHeadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false) || reader.GetInt64(0) < 0)
        {
            return null;
        }

        return new AuditHead(reader.GetInt64(0), Convert.ToHexStringLower(reader.GetFieldValue<byte[]>(1)));
    }

    private static AuditRecord ReadRecord(NpgsqlDataReader r, bool content) => new()
    {
        Sequence = r.GetInt64(0),
        At = r.GetFieldValue<DateTimeOffset>(1),
        Kind = r.GetString(2),
        CorrelationId = Text(r, 3),
        KeyId = Text(r, 4),
        OrgId = Text(r, 5),
        TeamId = Text(r, 6),
        Endpoint = Text(r, 7),
        Model = Text(r, 8),
        Provider = Text(r, 9),
        RouteMethod = Text(r, 10),
        Verdict = Text(r, 11),
        InputTokens = r.GetInt64(12),
        OutputTokens = r.GetInt64(13),
        CostUsd = r.GetDecimal(14),
        LatencyMs = r.GetInt64(15),
        StatusCode = r.GetInt32(16),
        FallbackAttempts = r.GetInt32(17),
        PromptSha256 = Hex(r, 18),
        ResponseSha256 = Hex(r, 19),
        Actor = Text(r, 20),
        Action = Text(r, 21),
        Target = Text(r, 22),
        Details = Text(r, 23),
        PreviousHash = Hex(r, 24),
        Hash = Hex(r, 25),
        Content = !content || r.IsDBNull(ColumnCount + 2) ? null : new AuditContent
        {
            Prompt = r.IsDBNull(ColumnCount) ? null : r.GetFieldValue<byte[]>(ColumnCount),
            Response = r.IsDBNull(ColumnCount + 1) ? null : r.GetFieldValue<byte[]>(ColumnCount + 1),
            ExpiresAt = r.GetFieldValue<DateTimeOffset>(ColumnCount + 2),
        },
    };

    private static string? Text(NpgsqlDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetString(ordinal);

    private static string? Hex(NpgsqlDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : Convert.ToHexStringLower(r.GetFieldValue<byte[]>(ordinal));

    private static byte[]? FromHex(string? hex) => hex is null ? null : Convert.FromHexString(hex);

    private static NpgsqlParameter Array<T>(T[] values, NpgsqlDbType type) => new() { NpgsqlDbType = NpgsqlDbType.Array | type, Value = values };

    private static NpgsqlBatchCommand Records(List<PendingAuditAppend> rows)
    {
        var n = rows.Count;
        var seq = new long[n];
        var at = new DateTime[n];
        var kind = new string?[n];
        var correlation = new string?[n];
        var key = new string?[n];
        var org = new string?[n];
        var team = new string?[n];
        var endpoint = new string?[n];
        var model = new string?[n];
        var provider = new string?[n];
        var route = new string?[n];
        var verdict = new string?[n];
        var input = new long[n];
        var output = new long[n];
        var cost = new decimal[n];
        var latency = new long[n];
        var status = new int[n];
        var fallbacks = new int[n];
        var prompt = new byte[]?[n];
        var response = new byte[]?[n];
        var actor = new string?[n];
        var action = new string?[n];
        var target = new string?[n];
        var details = new string?[n];
        var previous = new byte[]?[n];
        var hash = new byte[]?[n];
        for (var i = 0; i < n; i++)
        {
            var pending = rows[i];
            var r = pending.Record;
            seq[i] = r.Sequence;
            at[i] = r.At.UtcDateTime;
            kind[i] = r.Kind;
            correlation[i] = r.CorrelationId;
            key[i] = r.KeyId;
            org[i] = r.OrgId;
            team[i] = r.TeamId;
            endpoint[i] = r.Endpoint;
            model[i] = r.Model;
            provider[i] = r.Provider;
            route[i] = r.RouteMethod;
            verdict[i] = r.Verdict;
            input[i] = r.InputTokens;
            output[i] = r.OutputTokens;
            cost[i] = r.CostUsd;
            latency[i] = r.LatencyMs;
            status[i] = r.StatusCode;
            fallbacks[i] = r.FallbackAttempts;
            prompt[i] = FromHex(r.PromptSha256);
            response[i] = FromHex(r.ResponseSha256);
            actor[i] = r.Actor;
            action[i] = r.Action;
            target[i] = r.Target;
            details[i] = r.Details;
            previous[i] = pending.PreviousHash;
            hash[i] = pending.Hash;
        }

        var command = new NpgsqlBatchCommand(InsertRecords);
        var p = command.Parameters;
        p.Add(Array(seq, NpgsqlDbType.Bigint));
        p.Add(Array(at, NpgsqlDbType.TimestampTz));
        foreach (var text in (string?[][])[kind, correlation, key, org, team, endpoint, model, provider, route, verdict])
        {
            p.Add(Array(text, NpgsqlDbType.Text));
        }

        p.Add(Array(input, NpgsqlDbType.Bigint));
        p.Add(Array(output, NpgsqlDbType.Bigint));
        p.Add(Array(cost, NpgsqlDbType.Numeric));
        p.Add(Array(latency, NpgsqlDbType.Bigint));
        p.Add(Array(status, NpgsqlDbType.Integer));
        p.Add(Array(fallbacks, NpgsqlDbType.Integer));
        p.Add(Array(prompt, NpgsqlDbType.Bytea));
        p.Add(Array(response, NpgsqlDbType.Bytea));
        foreach (var text in (string?[][])[actor, action, target, details])
        {
            p.Add(Array(text, NpgsqlDbType.Text));
        }

        p.Add(Array(previous, NpgsqlDbType.Bytea));
        p.Add(Array(hash, NpgsqlDbType.Bytea));
        return command;
    }

    private static NpgsqlBatchCommand? Contents(List<PendingAuditAppend> rows)
    {
        List<long>? seq = null;
        List<byte[]?> prompt = [];
        List<byte[]?> response = [];
        List<DateTime> expires = [];
        foreach (var pending in rows)
        {
            if (pending.Record.Content is { } content && (content.Prompt is not null || content.Response is not null))
            {
                (seq ??= []).Add(pending.Record.Sequence);
                prompt.Add(content.Prompt);
                response.Add(content.Response);
                expires.Add(content.ExpiresAt.UtcDateTime);
            }
        }

        if (seq is null)
        {
            return null;
        }

        var command = new NpgsqlBatchCommand(InsertContent);
        command.Parameters.Add(Array(seq.ToArray(), NpgsqlDbType.Bigint));
        command.Parameters.Add(Array(prompt.ToArray(), NpgsqlDbType.Bytea));
        command.Parameters.Add(Array(response.ToArray(), NpgsqlDbType.Bytea));
        command.Parameters.Add(Array(expires.ToArray(), NpgsqlDbType.TimestampTz));
        return command;
    }

    private async ValueTask CommitAsync(List<PendingAuditAppend> batch)
    {
        await _database.EnsureMigratedAsync(CancellationToken.None).ConfigureAwait(false);
        await using var connection = await _database.DataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);

        long headSequence;
        byte[] headHash;
        DateTimeOffset now;
        await using (var command = new NpgsqlCommand(LockHead, connection, transaction))
        {
            command.Parameters.Add(_database.NowParameter());
            await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
            if (!await reader.ReadAsync().ConfigureAwait(false))
            {
                throw new InvalidOperationException("The audit chain's head row is missing: the database was altered outside the gateway.");
            }

            headSequence = reader.GetInt64(0);
            headHash = reader.GetFieldValue<byte[]>(1);
            now = reader.GetFieldValue<DateTimeOffset>(2);
        }

        var rows = batch;
        if (_chainer.Chain(headSequence, headHash, batch, now) is { } genesis)
        {
            rows = [genesis, .. batch];
        }

        await using (var write = new NpgsqlBatch(connection, transaction))
        {
            if (_durability == AuditDurability.Committed)
            {
                // Acknowledged at commit: the server flushes the log within wal_writer_delay, not before answering.
                write.BatchCommands.Add(new NpgsqlBatchCommand("set local synchronous_commit = off"));
            }

            write.BatchCommands.Add(Records(rows));
            if (Contents(rows) is { } contents)
            {
                write.BatchCommands.Add(contents);
            }

            var head = new NpgsqlBatchCommand(UpdateHead);
            head.Parameters.Add(Bigint(rows[^1].Record.Sequence));
            head.Parameters.Add(Bytes(rows[^1].Hash));
            write.BatchCommands.Add(head);
            await write.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        await transaction.CommitAsync().ConfigureAwait(false);
    }
}
