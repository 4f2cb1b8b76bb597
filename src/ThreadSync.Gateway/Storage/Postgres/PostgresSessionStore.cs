using System.Text.Json;
using Npgsql;
using ThreadSync.Gateway.Governance;
using ThreadSync.Gateway.Storage.Internal;
using static ThreadSync.Gateway.Storage.Postgres.PostgresParameters;

namespace ThreadSync.Gateway.Storage.Postgres;

/// <summary>
/// App clients, share codes, subject sessions and used nonces in PostgreSQL, shared by every instance on the database.
/// A redeem is one <c>DELETE … RETURNING</c>: racing redeems queue on the row lock, and those after the first find the
/// row gone. A nonce's use is one <c>INSERT … ON CONFLICT DO NOTHING</c>: racing inserts of one key wait on the first,
/// and only it inserts a row. Times are the caller's.
/// </summary>
internal sealed class PostgresSessionStore : ISessionStore
{
    private const int PurgeBatch = 1000;

    private const string ClientColumns = "id, org_id, name, allowed_origins, access, session_lifetime_seconds, created_at, revoked_at";

    private const string CodeColumns = "code_hash, app_client_id, org_id, key_id, subject_id, code_challenge, created_at, expires_at";

    private const string SessionColumns = "id, token_hash, hmac_key, app_client_id, org_id, key_id, subject_id, origin, created_at, expires_at, revoked_at";

    private const string InsertClientSql = """
        insert into app_clients (id, org_id, name, allowed_origins, access, session_lifetime_seconds, created_at, revoked_at)
        values ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7, $8)
        on conflict (id) do nothing
        """;

    private const string SelectClientSql = "select " + ClientColumns + " from app_clients where id = $1";

    private const string ListClientsSql = "select " + ClientColumns + " from app_clients order by created_at, id";

    private const string ListOrgClientsSql = "select " + ClientColumns + " from app_clients where org_id = $1 order by created_at, id";

    private const string UpdateClientSql = """
        update app_clients set name = $2, allowed_origins = $3::jsonb, access = $4::jsonb, session_lifetime_seconds = $5, revoked_at = $6
        where id = $1
        """;

    private const string InsertCodeSql = "insert into share_codes (" + CodeColumns + ") values ($1, $2, $3, $4, $5, $6, $7, $8)";

    private const string RedeemCodeSql = "delete from share_codes where code_hash = $1 returning " + CodeColumns;

    private const string InsertSessionSql = "insert into subject_sessions (" + SessionColumns + ") values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

    private const string FindSessionSql = "select " + SessionColumns + " from subject_sessions where token_hash = $1";

    private const string SelectSessionSql = "select " + SessionColumns + " from subject_sessions where id = $1";

    private const string RevokeSessionSql = "update subject_sessions set revoked_at = coalesce(revoked_at, $2) where id = $1";

    private const string UseNonceSql = """
        insert into session_nonces (session_id, nonce, expires_at) values ($1, $2, $3)
        on conflict (session_id, nonce) do nothing
        """;

    // Batches skip rows another purge holds, so purges on several instances neither wait nor collide.
    private static readonly string[] PurgeSql =
    [
        """
        delete from share_codes where code_hash in (
            select code_hash from share_codes where expires_at <= $1 limit $2 for update skip locked)
        """,
        """
        delete from session_nonces where (session_id, nonce) in (
            select session_id, nonce from session_nonces where expires_at <= $1 limit $2 for update skip locked)
        """,
        """
        delete from subject_sessions where id in (
            select id from subject_sessions where expires_at <= $1 limit $2 for update skip locked)
        """,
    ];

    private readonly PostgresDatabase _database;

    /// <summary>Initializes a new instance of the <see cref="PostgresSessionStore"/> class.</summary>
    /// <param name="database">The database.</param>
    public PostgresSessionStore(PostgresDatabase database)
    {
        _database = database;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> CreateAppClientAsync(AppClient client, CancellationToken cancellationToken = default)
    {
        SessionValidation.Validate(client);
        await using var command = await CommandAsync(InsertClientSql, cancellationToken).ConfigureAwait(false);
        command.Parameters.Add(Text(client.Id));
        command.Parameters.Add(Text(client.OrgId));
        command.Parameters.Add(Text(client.Name));
        command.Parameters.Add(Text(Json(client.AllowedOrigins)));
        command.Parameters.Add(Text(Json(client.Access)));
        command.Parameters.Add(Bigint(SessionValidation.Seconds(client.SessionLifetime)));
        command.Parameters.Add(Time(client.CreatedAt));
        command.Parameters.Add(Time(client.RevokedAt));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc/>
    public async ValueTask<AppClient?> GetAppClientAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var command = await CommandAsync(SelectClientSql, cancellationToken).ConfigureAwait(false);
        command.Parameters.Add(Text(id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadClient(reader) : null;
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<AppClient>> ListAppClientsAsync(string? orgId, CancellationToken cancellationToken = default)
    {
        await using var command = await CommandAsync(orgId is null ? ListClientsSql : ListOrgClientsSql, cancellationToken).ConfigureAwait(false);
        if (orgId is not null)
        {
            command.Parameters.Add(Text(orgId));
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<AppClient>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(ReadClient(reader));
        }

        return list;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> UpdateAppClientAsync(AppClient client, CancellationToken cancellationToken = default)
    {
        SessionValidation.Validate(client);
        await using var command = await CommandAsync(UpdateClientSql, cancellationToken).ConfigureAwait(false);
        command.Parameters.Add(Text(client.Id));
        command.Parameters.Add(Text(client.Name));
        command.Parameters.Add(Text(Json(client.AllowedOrigins)));
        command.Parameters.Add(Text(Json(client.Access)));
        command.Parameters.Add(Bigint(SessionValidation.Seconds(client.SessionLifetime)));
        command.Parameters.Add(Time(client.RevokedAt));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc/>
    public async ValueTask CreateShareCodeAsync(ShareCode code, CancellationToken cancellationToken = default)
    {
        SessionValidation.Validate(code);
        await using var command = await CommandAsync(InsertCodeSql, cancellationToken).ConfigureAwait(false);
        command.Parameters.Add(Bytes(code.CodeHash));
        command.Parameters.Add(Text(code.AppClientId));
        command.Parameters.Add(Text(code.OrgId));
        command.Parameters.Add(Text(code.KeyId));
        command.Parameters.Add(Text(code.SubjectId));
        command.Parameters.Add(Text(code.CodeChallenge));
        command.Parameters.Add(Time(code.CreatedAt));
        command.Parameters.Add(Time(code.ExpiresAt));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<ShareCode?> RedeemShareCodeAsync(byte[] codeHash, CancellationToken cancellationToken = default)
    {
        SessionValidation.Hash(codeHash, nameof(codeHash));
        await using var command = await CommandAsync(RedeemCodeSql, cancellationToken).ConfigureAwait(false);
        command.Parameters.Add(Bytes(codeHash));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new ShareCode
        {
            CodeHash = reader.GetFieldValue<byte[]>(0),
            AppClientId = reader.GetString(1),
            OrgId = reader.GetString(2),
            KeyId = reader.GetString(3),
            SubjectId = reader.GetString(4),
            CodeChallenge = reader.GetString(5),
            CreatedAt = reader.GetFieldValue<DateTimeOffset>(6),
            ExpiresAt = reader.GetFieldValue<DateTimeOffset>(7),
        };
    }

    /// <inheritdoc/>
    public async ValueTask CreateSessionAsync(SubjectSession session, CancellationToken cancellationToken = default)
    {
        SessionValidation.Validate(session);
        await using var command = await CommandAsync(InsertSessionSql, cancellationToken).ConfigureAwait(false);
        command.Parameters.Add(Text(session.Id));
        command.Parameters.Add(Bytes(session.TokenHash));
        command.Parameters.Add(Bytes(session.HmacKey));
        command.Parameters.Add(Text(session.AppClientId));
        command.Parameters.Add(Text(session.OrgId));
        command.Parameters.Add(Text(session.KeyId));
        command.Parameters.Add(Text(session.SubjectId));
        command.Parameters.Add(Text(session.Origin));
        command.Parameters.Add(Time(session.CreatedAt));
        command.Parameters.Add(Time(session.ExpiresAt));
        command.Parameters.Add(Time(session.RevokedAt));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public ValueTask<SubjectSession?> FindSessionAsync(byte[] tokenHash, CancellationToken cancellationToken = default)
    {
        SessionValidation.Hash(tokenHash, nameof(tokenHash));
        return SelectSessionAsync(FindSessionSql, Bytes(tokenHash), cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<SubjectSession?> GetSessionAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return SelectSessionAsync(SelectSessionSql, Text(id), cancellationToken);
    }

    /// <inheritdoc/>
    public async ValueTask<bool> RevokeSessionAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var command = await CommandAsync(RevokeSessionSql, cancellationToken).ConfigureAwait(false);
        command.Parameters.Add(Text(id));
        command.Parameters.Add(Time(at));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> TryUseNonceAsync(string sessionId, string nonce, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        SessionValidation.ValidateNonce(sessionId, nonce);
        await using var command = await CommandAsync(UseNonceSql, cancellationToken).ConfigureAwait(false);
        command.Parameters.Add(Text(sessionId));
        command.Parameters.Add(Text(nonce));
        command.Parameters.Add(Time(expiresAt));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc/>
    public async ValueTask<long> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await _database.EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        long total = 0;
        foreach (var sql in PurgeSql)
        {
            while (true)
            {
                await using var command = _database.DataSource.CreateCommand(sql);
                command.Parameters.Add(Time(now));
                command.Parameters.Add(Integer(PurgeBatch));
                var deleted = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                total += deleted;
                if (deleted < PurgeBatch)
                {
                    break;
                }
            }
        }

        return total;
    }

    private static string Json(IReadOnlyList<string> origins) => JsonSerializer.Serialize(origins.ToArray(), PostgresJsonContext.Default.StringArray);

    private static string Json(AccessRules access) => JsonSerializer.Serialize(access, PostgresJsonContext.Default.AccessRules);

    private static DateTimeOffset? NullableTime(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);

    private static AppClient ReadClient(NpgsqlDataReader reader)
    {
        var access = JsonSerializer.Deserialize(reader.GetString(4), PostgresJsonContext.Default.AccessRules) ?? AccessRules.AllowAll;
        return new AppClient
        {
            Id = reader.GetString(0),
            OrgId = reader.GetString(1),
            Name = reader.GetString(2),
            AllowedOrigins = JsonSerializer.Deserialize(reader.GetString(3), PostgresJsonContext.Default.StringArray) ?? [],
            Access = access.IsRestrictive ? access : AccessRules.AllowAll,
            SessionLifetime = TimeSpan.FromSeconds(reader.GetInt64(5)),
            CreatedAt = reader.GetFieldValue<DateTimeOffset>(6),
            RevokedAt = NullableTime(reader, 7),
        };
    }

    private async ValueTask<SubjectSession?> SelectSessionAsync(string sql, NpgsqlParameter key, CancellationToken cancellationToken)
    {
        await using var command = await CommandAsync(sql, cancellationToken).ConfigureAwait(false);
        command.Parameters.Add(key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new SubjectSession
        {
            Id = reader.GetString(0),
            TokenHash = reader.GetFieldValue<byte[]>(1),
            HmacKey = reader.GetFieldValue<byte[]>(2),
            AppClientId = reader.GetString(3),
            OrgId = reader.GetString(4),
            KeyId = reader.GetString(5),
            SubjectId = reader.GetString(6),
            Origin = reader.GetString(7),
            CreatedAt = reader.GetFieldValue<DateTimeOffset>(8),
            ExpiresAt = reader.GetFieldValue<DateTimeOffset>(9),
            RevokedAt = NullableTime(reader, 10),
        };
    }

    private async ValueTask<NpgsqlCommand> CommandAsync(string sql, CancellationToken cancellationToken)
    {
        await _database.EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        return _database.DataSource.CreateCommand(sql);
    }
}
