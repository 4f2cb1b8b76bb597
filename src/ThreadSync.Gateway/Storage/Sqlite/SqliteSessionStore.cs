using System.Text.Json;
using Microsoft.Data.Sqlite;
using ThreadSync.Gateway.Governance;
using ThreadSync.Gateway.Storage.Internal;

namespace ThreadSync.Gateway.Storage.Sqlite;

/// <summary>
/// App clients, share codes, subject sessions and used nonces in SQLite. A redeem is one <c>DELETE … RETURNING</c> and a
/// nonce's use one <c>INSERT … ON CONFLICT DO NOTHING</c>, each in a transaction of the single writer, which holds the
/// file's write lock: of racing redeems or uses (from this process or others on the file) exactly one changes a row.
/// </summary>
internal sealed class SqliteSessionStore : ISessionStore
{
    private const int PurgeBatch = 1000;

    private const string ClientColumns = "id, org_id, name, allowed_origins, access, session_lifetime_seconds, created_at, revoked_at";

    private const string CodeColumns = "code_hash, app_client_id, org_id, key_id, subject_id, code_challenge, created_at, expires_at";

    private const string SessionColumns = "id, token_hash, hmac_key, app_client_id, org_id, key_id, subject_id, origin, created_at, expires_at, revoked_at";

    private const string InsertClientSql = """
        INSERT INTO app_clients (id, org_id, name, allowed_origins, access, session_lifetime_seconds, created_at, revoked_at)
        VALUES ($id, $org, $name, $origins, $access, $lifetime, $created, $revoked)
        ON CONFLICT (id) DO NOTHING
        """;

    private const string SelectClientSql = "SELECT " + ClientColumns + " FROM app_clients WHERE id = $id";

    private const string ListClientsSql = "SELECT " + ClientColumns + " FROM app_clients ORDER BY created_at, id";

    private const string ListOrgClientsSql = "SELECT " + ClientColumns + " FROM app_clients WHERE org_id = $org ORDER BY created_at, id";

    private const string UpdateClientSql = """
        UPDATE app_clients SET name = $name, allowed_origins = $origins, access = $access, session_lifetime_seconds = $lifetime, revoked_at = $revoked
        WHERE id = $id
        """;

    private const string InsertCodeSql = "INSERT INTO share_codes (" + CodeColumns + ") VALUES ($hash, $client, $org, $key, $subject, $challenge, $created, $expires)";

    private const string RedeemCodeSql = "DELETE FROM share_codes WHERE code_hash = $hash RETURNING " + CodeColumns;

    private const string InsertSessionSql = """
        INSERT INTO subject_sessions (id, token_hash, hmac_key, app_client_id, org_id, key_id, subject_id, origin, created_at, expires_at, revoked_at)
        VALUES ($id, $token, $hmac, $client, $org, $key, $subject, $origin, $created, $expires, $revoked)
        """;

    private const string FindSessionSql = "SELECT " + SessionColumns + " FROM subject_sessions WHERE token_hash = $token";

    private const string SelectSessionSql = "SELECT " + SessionColumns + " FROM subject_sessions WHERE id = $id";

    private const string RevokeSessionSql = "UPDATE subject_sessions SET revoked_at = coalesce(revoked_at, $at) WHERE id = $id";

    private const string UseNonceSql = """
        INSERT INTO session_nonces (session_id, nonce, expires_at) VALUES ($session, $nonce, $expires)
        ON CONFLICT (session_id, nonce) DO NOTHING
        """;

    private static readonly string[] PurgeSql =
    [
        "DELETE FROM share_codes WHERE rowid IN (SELECT rowid FROM share_codes WHERE expires_at <= $now LIMIT $limit)",
        "DELETE FROM session_nonces WHERE rowid IN (SELECT rowid FROM session_nonces WHERE expires_at <= $now LIMIT $limit)",
        "DELETE FROM subject_sessions WHERE rowid IN (SELECT rowid FROM subject_sessions WHERE expires_at <= $now LIMIT $limit)",
    ];

    private readonly SqliteDatabase _db;

    public SqliteSessionStore(SqliteDatabase db) => _db = db;

    public ValueTask<bool> CreateAppClientAsync(AppClient client, CancellationToken cancellationToken = default)
    {
        SessionValidation.Validate(client);
        return _db.WriteAsync(client, static (s, client) =>
        {
            var c = s.Command(InsertClientSql, "$id", "$org", "$name", "$origins", "$access", "$lifetime", "$created", "$revoked");
            c.Set(0, client.Id);
            c.Set(1, client.OrgId);
            c.Set(2, client.Name);
            c.Set(3, Json(client.AllowedOrigins));
            c.Set(4, Json(client.Access));
            c.Set(5, SessionValidation.Seconds(client.SessionLifetime));
            c.Set(6, SqliteValues.Ticks(client.CreatedAt));
            c.Set(7, SqliteValues.Ticks(client.RevokedAt));
            return c.ExecuteNonQuery() == 1;
        }, cancellationToken);
    }

    public ValueTask<AppClient?> GetAppClientAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return _db.ReadAsync(id, static (s, id) =>
        {
            var c = s.Command(SelectClientSql, "$id");
            c.Set(0, id);
            using var r = c.ExecuteReader();
            return r.Read() ? ReadClient(r) : null;
        }, cancellationToken);
    }

    public ValueTask<IReadOnlyList<AppClient>> ListAppClientsAsync(string? orgId, CancellationToken cancellationToken = default) =>
        _db.ReadAsync(orgId, static (s, orgId) =>
        {
            SqliteCommand c;
            if (orgId is null)
            {
                c = s.Command(ListClientsSql);
            }
            else
            {
                c = s.Command(ListOrgClientsSql, "$org");
                c.Set(0, orgId);
            }

            using var r = c.ExecuteReader();
            var list = new List<AppClient>();
            while (r.Read())
            {
                list.Add(ReadClient(r));
            }

            return (IReadOnlyList<AppClient>)list;
        }, cancellationToken);

    public ValueTask<bool> UpdateAppClientAsync(AppClient client, CancellationToken cancellationToken = default)
    {
        SessionValidation.Validate(client);
        return _db.WriteAsync(client, static (s, client) =>
        {
            var c = s.Command(UpdateClientSql, "$id", "$name", "$origins", "$access", "$lifetime", "$revoked");
            c.Set(0, client.Id);
            c.Set(1, client.Name);
            c.Set(2, Json(client.AllowedOrigins));
            c.Set(3, Json(client.Access));
            c.Set(4, SessionValidation.Seconds(client.SessionLifetime));
            c.Set(5, SqliteValues.Ticks(client.RevokedAt));
            return c.ExecuteNonQuery() == 1;
        }, cancellationToken);
    }

    public async ValueTask CreateShareCodeAsync(ShareCode code, CancellationToken cancellationToken = default)
    {
        SessionValidation.Validate(code);
        await _db.WriteAsync(code, static (s, code) =>
        {
            var c = s.Command(InsertCodeSql, "$hash", "$client", "$org", "$key", "$subject", "$challenge", "$created", "$expires");
            c.Set(0, code.CodeHash);
            c.Set(1, code.AppClientId);
            c.Set(2, code.OrgId);
            c.Set(3, code.KeyId);
            c.Set(4, code.SubjectId);
            c.Set(5, code.CodeChallenge);
            c.Set(6, SqliteValues.Ticks(code.CreatedAt));
            c.Set(7, SqliteValues.Ticks(code.ExpiresAt));
            return c.ExecuteNonQuery();
        }, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<ShareCode?> RedeemShareCodeAsync(byte[] codeHash, CancellationToken cancellationToken = default)
    {
        SessionValidation.Hash(codeHash, nameof(codeHash));
        return _db.WriteAsync(codeHash, static (s, codeHash) =>
        {
            var c = s.Command(RedeemCodeSql, "$hash");
            c.Set(0, codeHash);
            using var r = c.ExecuteReader();
            return r.Read() ? ReadCode(r) : null;
        }, cancellationToken);
    }

    public async ValueTask CreateSessionAsync(SubjectSession session, CancellationToken cancellationToken = default)
    {
        SessionValidation.Validate(session);
        await _db.WriteAsync(session, static (s, session) =>
        {
            var c = s.Command(InsertSessionSql, "$id", "$token", "$hmac", "$client", "$org", "$key", "$subject", "$origin", "$created", "$expires", "$revoked");
            c.Set(0, session.Id);
            c.Set(1, session.TokenHash);
            c.Set(2, session.HmacKey);
            c.Set(3, session.AppClientId);
            c.Set(4, session.OrgId);
            c.Set(5, session.KeyId);
            c.Set(6, session.SubjectId);
            c.Set(7, session.Origin);
            c.Set(8, SqliteValues.Ticks(session.CreatedAt));
            c.Set(9, SqliteValues.Ticks(session.ExpiresAt));
            c.Set(10, SqliteValues.Ticks(session.RevokedAt));
            return c.ExecuteNonQuery();
        }, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<SubjectSession?> FindSessionAsync(byte[] tokenHash, CancellationToken cancellationToken = default)
    {
        SessionValidation.Hash(tokenHash, nameof(tokenHash));
        return _db.ReadAsync(tokenHash, static (s, tokenHash) => SelectSession(s, FindSessionSql, "$token", tokenHash), cancellationToken);
    }

    public ValueTask<SubjectSession?> GetSessionAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return _db.ReadAsync(id, static (s, id) => SelectSession(s, SelectSessionSql, "$id", id), cancellationToken);
    }

    public ValueTask<bool> RevokeSessionAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return _db.WriteAsync((Id: id, At: at), static (s, state) =>
        {
            var c = s.Command(RevokeSessionSql, "$id", "$at");
            c.Set(0, state.Id);
            c.Set(1, SqliteValues.Ticks(state.At));
            return c.ExecuteNonQuery() == 1;
        }, cancellationToken);
    }

    public ValueTask<bool> TryUseNonceAsync(string sessionId, string nonce, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        SessionValidation.ValidateNonce(sessionId, nonce);
        return _db.WriteAsync((Session: sessionId, Nonce: nonce, Expires: expiresAt), static (s, state) =>
        {
            var c = s.Command(UseNonceSql, "$session", "$nonce", "$expires");
            c.Set(0, state.Session);
            c.Set(1, state.Nonce);
            c.Set(2, SqliteValues.Ticks(state.Expires));
            return c.ExecuteNonQuery() == 1;
        }, cancellationToken);
    }

    public async ValueTask<long> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        long total = 0;
        foreach (var sql in PurgeSql)
        {
            while (true)
            {
                // One batch per transaction, so other writers get the lock between batches.
                var deleted = await _db.WriteAsync((Sql: sql, Now: SqliteValues.Ticks(now)), static (s, state) =>
                {
                    var c = s.Command(state.Sql, "$now", "$limit");
                    c.Set(0, state.Now);
                    c.Set(1, (long)PurgeBatch);
                    return c.ExecuteNonQuery();
                }, cancellationToken).ConfigureAwait(false);
                total += deleted;
                if (deleted < PurgeBatch)
                {
                    break;
                }
            }
        }

        return total;
    }

    private static string Json(IReadOnlyList<string> origins) => JsonSerializer.Serialize(origins.ToArray(), SqliteJsonContext.Default.StringArray);

    private static string Json(AccessRules access) => JsonSerializer.Serialize(access, SqliteJsonContext.Default.AccessRules);

    private static AccessRules Access(string json)
    {
        var access = JsonSerializer.Deserialize(json, SqliteJsonContext.Default.AccessRules)!;
        return access.IsRestrictive ? access : AccessRules.AllowAll;
    }

    private static SubjectSession? SelectSession(SqliteSession s, string sql, string name, object value)
    {
        var c = s.Command(sql, name);
        c.Set(0, value);
        using var r = c.ExecuteReader();
        return r.Read() ? ReadSession(r) : null;
    }

    private static AppClient ReadClient(SqliteDataReader r) => new()
    {
        Id = r.GetString(0),
        OrgId = r.GetString(1),
        Name = r.GetString(2),
        AllowedOrigins = JsonSerializer.Deserialize(r.GetString(3), SqliteJsonContext.Default.StringArray) ?? [],
        Access = Access(r.GetString(4)),
        SessionLifetime = TimeSpan.FromSeconds(r.GetInt64(5)),
        CreatedAt = r.GetTime(6),
        RevokedAt = r.GetTimeOrNull(7),
    };

    private static ShareCode ReadCode(SqliteDataReader r) => new()
    {
        CodeHash = r.GetFieldValue<byte[]>(0),
        AppClientId = r.GetString(1),
        OrgId = r.GetString(2),
        KeyId = r.GetString(3),
        SubjectId = r.GetString(4),
        CodeChallenge = r.GetString(5),
        CreatedAt = r.GetTime(6),
        ExpiresAt = r.GetTime(7),
    };

    private static SubjectSession ReadSession(SqliteDataReader r) => new()
    {
        Id = r.GetString(0),
        TokenHash = r.GetFieldValue<byte[]>(1),
        HmacKey = r.GetFieldValue<byte[]>(2),
        AppClientId = r.GetString(3),
        OrgId = r.GetString(4),
        KeyId = r.GetString(5),
        SubjectId = r.GetString(6),
        Origin = r.GetString(7),
        CreatedAt = r.GetTime(8),
        ExpiresAt = r.GetTime(9),
        RevokedAt = r.GetTimeOrNull(10),
    };
}
