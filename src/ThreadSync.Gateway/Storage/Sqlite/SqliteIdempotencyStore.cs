using ThreadSync.Gateway.Storage.Internal;

namespace ThreadSync.Gateway.Storage.Sqlite;

/// <summary>
/// Idempotency records in SQLite. A claim reads and writes in one <c>BEGIN IMMEDIATE</c> transaction, which takes the
/// file's write lock first, so racing claims (from this process or others on the file) see each other's rows. Every
/// other change is one statement that matches the owner of an in-progress row.
/// </summary>
internal sealed class SqliteIdempotencyStore : IIdempotencyStore
{
    private const int PurgeBatch = 1000;

    private const string SelectSql = """
        SELECT fingerprint, state, lease_until, expires_at, status_code, headers, body
        FROM idempotency WHERE key_id = $key_id AND idempotency_key = $key
        """;

    private const string InsertSql = """
        INSERT OR REPLACE INTO idempotency (key_id, idempotency_key, fingerprint, state, owner, created_at, lease_until, expires_at, status_code, headers, body)
        VALUES ($key_id, $key, $fingerprint, 0, $owner, $now, $lease_until, $expires_at, NULL, NULL, NULL)
        """;

    private const string AbandonSql = """
        UPDATE idempotency SET state = 2, owner = NULL, expires_at = $expires_at
        WHERE key_id = $key_id AND idempotency_key = $key AND state = 0
        """;

    private const string RenewSql = """
        UPDATE idempotency SET lease_until = $value
        WHERE key_id = $key_id AND idempotency_key = $key AND owner = $owner AND state = 0
        """;

    private const string CompleteSql = """
        UPDATE idempotency SET state = 1, owner = NULL, expires_at = $expires_at, status_code = $status, headers = $headers, body = $body
        WHERE key_id = $key_id AND idempotency_key = $key AND owner = $owner AND state = 0
        """;

    private const string ReleaseSql = """
        DELETE FROM idempotency WHERE key_id = $key_id AND idempotency_key = $key AND owner = $owner AND state = 0
        """;

    private const string MarkUncertainSql = """
        UPDATE idempotency SET state = 2, owner = NULL, expires_at = $value
        WHERE key_id = $key_id AND idempotency_key = $key AND owner = $owner AND state = 0
        """;

    private const string PurgeSql = """
        DELETE FROM idempotency WHERE rowid IN (SELECT rowid FROM idempotency WHERE expires_at <= $now LIMIT $limit)
        """;

    private const int InProgress = 0;
    private const int Completed = 1;

    private readonly SqliteDatabase _db;

    public SqliteIdempotencyStore(SqliteDatabase db) => _db = db;

    public ValueTask<IdempotencyClaimResult> ClaimAsync(IdempotencyClaim claim, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        claim.Validate();
        return _db.WriteAsync((Db: _db, Claim: claim), static (s, state) => Claim(s, state.Claim, Now(state.Db)), cancellationToken);
    }

    public ValueTask<bool> RenewAsync(IdempotencyClaim claim, CancellationToken cancellationToken = default) =>
        UpdateOwnedAsync(claim, RenewSql, static (claim, now) => After(now, claim.Lease), cancellationToken);

    public ValueTask<bool> CompleteAsync(IdempotencyClaim claim, IdempotentResponse response, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentNullException.ThrowIfNull(response);
        claim.Validate();
        var headers = IdempotentHeaderText.Encode(response.Headers);
        return _db.WriteAsync((Db: _db, Claim: claim, Response: response, Headers: headers), static (s, state) =>
        {
            var c = s.Command(CompleteSql, "$key_id", "$key", "$owner", "$expires_at", "$status", "$headers", "$body");
            SetOwner(c, state.Claim);
            c.Set(3, After(Now(state.Db), state.Claim.Retention));
            c.Set(4, (long)state.Response.StatusCode);
            c.Set(5, state.Headers);
            c.Set(6, state.Response.BodyArray);
            return c.ExecuteNonQuery() == 1;
        }, cancellationToken);
    }

    public ValueTask<bool> ReleaseAsync(IdempotencyClaim claim, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        claim.Validate();
        return _db.WriteAsync(claim, static (s, claim) =>
        {
            var c = s.Command(ReleaseSql, "$key_id", "$key", "$owner");
            SetOwner(c, claim);
            return c.ExecuteNonQuery() == 1;
        }, cancellationToken);
    }

    public ValueTask<bool> MarkUncertainAsync(IdempotencyClaim claim, CancellationToken cancellationToken = default) =>
        UpdateOwnedAsync(claim, MarkUncertainSql, static (claim, now) => After(now, claim.Retention), cancellationToken);

    public async ValueTask<long> PurgeExpiredAsync(CancellationToken cancellationToken = default)
    {
        long total = 0;
        while (true)
        {
            // One batch per transaction, so other writers get the lock between batches.
            var deleted = await _db.WriteAsync(_db, static (s, db) =>
            {
                var c = s.Command(PurgeSql, "$now", "$limit");
                c.Set(0, Now(db));
                c.Set(1, (long)PurgeBatch);
                return c.ExecuteNonQuery();
            }, cancellationToken).ConfigureAwait(false);
            total += deleted;
            if (deleted < PurgeBatch)
            {
                return total;
            }
        }
    }

    private static IdempotencyClaimResult Claim(SqliteSession s, IdempotencyClaim claim, long now)
    {
        var select = s.Command(SelectSql, "$key_id", "$key");
        select.Set(0, claim.KeyId);
        select.Set(1, claim.Key);
        using (var r = select.ExecuteReader())
        {
            if (r.Read() && r.GetInt64(3) > now)
            {
                var fingerprint = r.GetFieldValue<byte[]>(0);
                if (!fingerprint.AsSpan().SequenceEqual(claim.Fingerprint))
                {
                    return IdempotencyClaimResult.FingerprintMismatch;
                }

                switch (r.GetInt32(1))
                {
                    case Completed:
                        var headers = r.IsDBNull(5) ? string.Empty : r.GetString(5);
                        var body = r.IsDBNull(6) ? [] : r.GetFieldValue<byte[]>(6);
                        return IdempotencyClaimResult.Completed(new IdempotentResponse(r.GetInt32(4), IdempotentHeaderText.Decode(headers), body));
                    case InProgress when r.GetInt64(2) > now:
                        return IdempotencyClaimResult.InProgress;
                    case InProgress:
                        // The owner stopped renewing its lease (its process died mid-request): what it sent may have run.
                        break;
                    default:
                        return IdempotencyClaimResult.Uncertain;
                }
            }
            else
            {
                r.Close();
                var insert = s.Command(InsertSql, "$key_id", "$key", "$fingerprint", "$owner", "$now", "$lease_until", "$expires_at");
                insert.Set(0, claim.KeyId);
                insert.Set(1, claim.Key);
                insert.Set(2, claim.Fingerprint);
                insert.Set(3, claim.Owner);
                insert.Set(4, now);
                insert.Set(5, After(now, claim.Lease));
                insert.Set(6, After(now, claim.Retention));
                insert.ExecuteNonQuery();
                return IdempotencyClaimResult.Claimed;
            }
        }

        var abandon = s.Command(AbandonSql, "$key_id", "$key", "$expires_at");
        abandon.Set(0, claim.KeyId);
        abandon.Set(1, claim.Key);
        abandon.Set(2, After(now, claim.Retention));
        abandon.ExecuteNonQuery();
        return IdempotencyClaimResult.Uncertain;
    }

    private ValueTask<bool> UpdateOwnedAsync(IdempotencyClaim claim, string sql, Func<IdempotencyClaim, long, long> value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        claim.Validate();
        return _db.WriteAsync((Db: _db, Claim: claim, Sql: sql, Value: value), static (s, state) =>
        {
            var c = s.Command(state.Sql, "$key_id", "$key", "$owner", "$value");
            SetOwner(c, state.Claim);
            c.Set(3, state.Value(state.Claim, Now(state.Db)));
            return c.ExecuteNonQuery() == 1;
        }, cancellationToken);
    }

    private static void SetOwner(Microsoft.Data.Sqlite.SqliteCommand c, IdempotencyClaim claim)
    {
        c.Set(0, claim.KeyId);
        c.Set(1, claim.Key);
        c.Set(2, claim.Owner);
    }

    private static long Now(SqliteDatabase db) => SqliteValues.Ticks(db.TimeProvider.GetUtcNow());

    /// <summary>Ticks <paramref name="span"/> after <paramref name="now"/>, saturating at the largest time.</summary>
    private static long After(long now, TimeSpan span) => span.Ticks >= DateTimeOffset.MaxValue.UtcTicks - now ? DateTimeOffset.MaxValue.UtcTicks : now + span.Ticks;
}
