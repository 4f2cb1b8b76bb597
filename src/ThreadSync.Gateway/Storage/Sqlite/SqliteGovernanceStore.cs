using System.Text.Json;
using Microsoft.Data.Sqlite;
using ThreadSync.Gateway.Governance;

namespace ThreadSync.Gateway.Storage.Sqlite;

/// <summary>Orgs, teams, keys, secret hashes and settings in SQLite. Limits, policies and access rules are JSON text.</summary>
internal sealed class SqliteGovernanceStore : IGovernanceStore
{
    private const string OrgColumns = "o.id, o.name, o.limits, o.policy, o.created_at";
    private const string TeamColumns = "t.id, t.org_id, t.name, t.limits, t.created_at";
    private const string KeyColumns = "k.id, k.org_id, k.team_id, k.environment, k.name, k.hint, k.tier, k.limits, k.access, k.created_at, k.rotated_at, k.revoked_at";
    private const int OrgWidth = 5;
    private const int TeamWidth = 5;
    private const int KeyWidth = 12;

    private const string InsertOrg = "INSERT INTO orgs (id, name, limits, policy, created_at) VALUES ($id, $name, $limits, $policy, $created) ON CONFLICT (id) DO NOTHING";
    private const string SelectOrg = $"SELECT {OrgColumns} FROM orgs o WHERE o.id = $id";
    private const string SelectOrgs = $"SELECT {OrgColumns} FROM orgs o ORDER BY o.id";
    private const string UpdateOrg = "UPDATE orgs SET name = $name, limits = $limits, policy = $policy WHERE id = $id";

    private const string InsertTeam = """
        INSERT INTO teams (id, org_id, name, limits, created_at)
        SELECT $id, $org, $name, $limits, $created WHERE EXISTS (SELECT 1 FROM orgs WHERE id = $org)
        ON CONFLICT (id) DO NOTHING
        """;

    private const string SelectTeam = $"SELECT {TeamColumns} FROM teams t WHERE t.id = $id";
    private const string SelectTeams = $"SELECT {TeamColumns} FROM teams t WHERE $org IS NULL OR t.org_id = $org ORDER BY t.id";
    private const string UpdateTeam = "UPDATE teams SET name = $name, limits = $limits WHERE id = $id";

    private const string SecretExists = "SELECT EXISTS (SELECT 1 FROM key_secrets WHERE hash = $hash)";
    private const string InsertKey = """
        INSERT INTO keys (id, org_id, team_id, environment, name, hint, tier, limits, access, created_at, rotated_at, revoked_at)
        SELECT $id, $org, $team, $env, $name, $hint, $tier, $limits, $access, $created, $rotated, $revoked
        WHERE EXISTS (SELECT 1 FROM orgs WHERE id = $org)
          AND ($team IS NULL OR EXISTS (SELECT 1 FROM teams WHERE id = $team AND org_id = $org))
        ON CONFLICT (id) DO NOTHING
        """;

    private const string InsertSecret = "INSERT INTO key_secrets (hash, key_id, created_at, expires_at) VALUES ($hash, $key, $created, NULL)";
    private const string SelectKey = $"SELECT {KeyColumns} FROM keys k WHERE k.id = $id";
    private const string SelectKeys = $"SELECT {KeyColumns} FROM keys k WHERE ($org IS NULL OR k.org_id = $org) AND ($team IS NULL OR k.team_id = $team) ORDER BY k.id";
    private const string UpdateKey = "UPDATE keys SET name = $name, environment = $env, tier = $tier, limits = $limits, access = $access WHERE id = $id";
    private const string KeyIsLive = "SELECT EXISTS (SELECT 1 FROM keys WHERE id = $id AND revoked_at IS NULL)";
    private const string ExpireSecrets = """
        UPDATE key_secrets SET expires_at = $expires
        WHERE key_id = $key AND hash <> $hash AND (expires_at IS NULL OR expires_at > $expires)
        """;

    private const string MarkRotated = "UPDATE keys SET hint = $hint, rotated_at = $at WHERE id = $id";
    private const string RevokeKey = "UPDATE keys SET revoked_at = $at WHERE id = $id AND revoked_at IS NULL";
    private const string FindCredential = $"""
        SELECT {KeyColumns}, {TeamColumns}, {OrgColumns}
        FROM key_secrets s
        JOIN keys k ON k.id = s.key_id
        LEFT JOIN teams t ON t.id = k.team_id
        JOIN orgs o ON o.id = k.org_id
        WHERE s.hash = $hash AND (s.expires_at IS NULL OR s.expires_at > $now) AND k.revoked_at IS NULL
        """;

    private const string SelectSetting = "SELECT value FROM settings WHERE name = $name";
    private const string InsertSetting = "INSERT INTO settings (name, value) VALUES ($name, $value) ON CONFLICT (name) DO NOTHING";

    private readonly SqliteDatabase _db;

    public SqliteGovernanceStore(SqliteDatabase db) => _db = db;

    public ValueTask<bool> CreateOrgAsync(Org org, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(org);
        return _db.WriteAsync(org, static (s, org) =>
        {
            var c = s.Command(InsertOrg, "$id", "$name", "$limits", "$policy", "$created");
            c.Set(0, org.Id);
            c.Set(1, org.Name);
            c.Set(2, Json(org.Limits));
            c.Set(3, Json(org.Policy));
            c.Set(4, SqliteValues.Ticks(org.CreatedAt));
            return c.ExecuteNonQuery() == 1;
        }, cancellationToken);
    }

    public ValueTask<Org?> GetOrgAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return _db.ReadAsync(id, static (s, id) =>
        {
            var c = s.Command(SelectOrg, "$id");
            c.Set(0, id);
            using var r = c.ExecuteReader();
            return r.Read() ? ReadOrg(r, 0) : null;
        }, cancellationToken);
    }

    public ValueTask<IReadOnlyList<Org>> ListOrgsAsync(CancellationToken cancellationToken = default)
        => _db.ReadAsync(0, static (s, _) =>
        {
            using var r = s.Command(SelectOrgs).ExecuteReader();
            var list = new List<Org>();
            while (r.Read())
            {
                list.Add(ReadOrg(r, 0));
            }

            return (IReadOnlyList<Org>)list;
        }, cancellationToken);

    public ValueTask<bool> UpdateOrgAsync(Org org, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(org);
        return _db.WriteAsync(org, static (s, org) =>
        {
            var c = s.Command(UpdateOrg, "$id", "$name", "$limits", "$policy");
            c.Set(0, org.Id);
            c.Set(1, org.Name);
            c.Set(2, Json(org.Limits));
            c.Set(3, Json(org.Policy));
            return c.ExecuteNonQuery() == 1;
        }, cancellationToken);
    }

    public ValueTask<bool> CreateTeamAsync(Team team, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(team);
        return _db.WriteAsync(team, static (s, team) =>
        {
            var c = s.Command(InsertTeam, "$id", "$org", "$name", "$limits", "$created");
            c.Set(0, team.Id);
            c.Set(1, team.OrgId);
            c.Set(2, team.Name);
            c.Set(3, Json(team.Limits));
            c.Set(4, SqliteValues.Ticks(team.CreatedAt));
            return c.ExecuteNonQuery() == 1;
        }, cancellationToken);
    }

    public ValueTask<Team?> GetTeamAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return _db.ReadAsync(id, static (s, id) =>
        {
            var c = s.Command(SelectTeam, "$id");
            c.Set(0, id);
            using var r = c.ExecuteReader();
            return r.Read() ? ReadTeam(r, 0) : null;
        }, cancellationToken);
    }

    public ValueTask<IReadOnlyList<Team>> ListTeamsAsync(string? orgId = null, CancellationToken cancellationToken = default)
        => _db.ReadAsync(orgId, static (s, orgId) =>
        {
            var c = s.Command(SelectTeams, "$org");
            c.Set(0, orgId);
            using var r = c.ExecuteReader();
            var list = new List<Team>();
            while (r.Read())
            {
                list.Add(ReadTeam(r, 0));
            }

            return (IReadOnlyList<Team>)list;
        }, cancellationToken);

    public ValueTask<bool> UpdateTeamAsync(Team team, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(team);
        return _db.WriteAsync(team, static (s, team) =>
        {
            var c = s.Command(UpdateTeam, "$id", "$name", "$limits");
            c.Set(0, team.Id);
            c.Set(1, team.Name);
            c.Set(2, Json(team.Limits));
            return c.ExecuteNonQuery() == 1;
        }, cancellationToken);
    }

    public ValueTask<bool> CreateKeyAsync(GatewayKey key, byte[] secretHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(secretHash);
        return _db.WriteAsync((key, secretHash), static (s, state) =>
        {
            var (key, hash) = state;
            if (SecretTaken(s, hash))
            {
                return false;
            }

            var c = s.Command(InsertKey, "$id", "$org", "$team", "$env", "$name", "$hint", "$tier", "$limits", "$access", "$created", "$rotated", "$revoked");
            c.Set(0, key.Id);
            c.Set(1, key.OrgId);
            c.Set(2, key.TeamId);
            c.Set(3, key.Environment);
            c.Set(4, key.Name);
            c.Set(5, key.Hint);
            c.Set(6, key.Tier);
            c.Set(7, Json(key.Limits));
            c.Set(8, Json(key.Access));
            c.Set(9, SqliteValues.Ticks(key.CreatedAt));
            c.Set(10, SqliteValues.Ticks(key.RotatedAt));
            c.Set(11, SqliteValues.Ticks(key.RevokedAt));
            if (c.ExecuteNonQuery() != 1)
            {
                return false;
            }

            AddSecret(s, hash, key.Id, key.CreatedAt);
            return true;
        }, cancellationToken);
    }

    public ValueTask<GatewayKey?> GetKeyAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return _db.ReadAsync(id, static (s, id) =>
        {
            var c = s.Command(SelectKey, "$id");
            c.Set(0, id);
            using var r = c.ExecuteReader();
            return r.Read() ? ReadKey(r, 0) : null;
        }, cancellationToken);
    }

    public ValueTask<IReadOnlyList<GatewayKey>> ListKeysAsync(string? orgId = null, string? teamId = null, CancellationToken cancellationToken = default)
        => _db.ReadAsync((orgId, teamId), static (s, filter) =>
        {
            var c = s.Command(SelectKeys, "$org", "$team");
            c.Set(0, filter.orgId);
            c.Set(1, filter.teamId);
            using var r = c.ExecuteReader();
            var list = new List<GatewayKey>();
            while (r.Read())
            {
                list.Add(ReadKey(r, 0));
            }

            return (IReadOnlyList<GatewayKey>)list;
        }, cancellationToken);

    public ValueTask<bool> UpdateKeyAsync(GatewayKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _db.WriteAsync(key, static (s, key) =>
        {
            var c = s.Command(UpdateKey, "$id", "$name", "$env", "$tier", "$limits", "$access");
            c.Set(0, key.Id);
            c.Set(1, key.Name);
            c.Set(2, key.Environment);
            c.Set(3, key.Tier);
            c.Set(4, Json(key.Limits));
            c.Set(5, Json(key.Access));
            return c.ExecuteNonQuery() == 1;
        }, cancellationToken);
    }

    public ValueTask<bool> RotateKeyAsync(string id, byte[] newSecretHash, string newHint, DateTimeOffset rotatedAt, DateTimeOffset previousSecretsExpireAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(newSecretHash);
        ArgumentNullException.ThrowIfNull(newHint);
        return _db.WriteAsync((id, newSecretHash, newHint, rotatedAt, previousSecretsExpireAt), static (s, state) =>
        {
            var (id, hash, hint, rotatedAt, expiresAt) = state;
            var live = s.Command(KeyIsLive, "$id");
            live.Set(0, id);
            if ((long)live.ExecuteScalar()! == 0 || SecretTaken(s, hash))
            {
                return false;
            }

            AddSecret(s, hash, id, rotatedAt);
            var expire = s.Command(ExpireSecrets, "$key", "$hash", "$expires");
            expire.Set(0, id);
            expire.Set(1, hash);
            expire.Set(2, SqliteValues.Ticks(expiresAt));
            expire.ExecuteNonQuery();
            var mark = s.Command(MarkRotated, "$id", "$hint", "$at");
            mark.Set(0, id);
            mark.Set(1, hint);
            mark.Set(2, SqliteValues.Ticks(rotatedAt));
            mark.ExecuteNonQuery();
            return true;
        }, cancellationToken);
    }

    public ValueTask<bool> RevokeKeyAsync(string id, DateTimeOffset revokedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return _db.WriteAsync((id, revokedAt), static (s, state) =>
        {
            var c = s.Command(RevokeKey, "$id", "$at");
            c.Set(0, state.id);
            c.Set(1, SqliteValues.Ticks(state.revokedAt));
            return c.ExecuteNonQuery() == 1;
        }, cancellationToken);
    }

    public ValueTask<KeyCredential?> FindCredentialAsync(byte[] secretHash, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(secretHash);
        return _db.ReadAsync((secretHash, now), static (s, state) =>
        {
            var c = s.Command(FindCredential, "$hash", "$now");
            c.Set(0, state.secretHash);
            c.Set(1, SqliteValues.Ticks(state.now));
            using var r = c.ExecuteReader();
            if (!r.Read())
            {
                return null;
            }

            var key = ReadKey(r, 0);
            var team = r.IsDBNull(KeyWidth) ? null : ReadTeam(r, KeyWidth);
            var org = ReadOrg(r, KeyWidth + TeamWidth);
            return new KeyCredential(key, team, org);
        }, cancellationToken);
    }

    public ValueTask<string?> GetSettingAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _db.ReadAsync(name, static (s, name) =>
        {
            var c = s.Command(SelectSetting, "$name");
            c.Set(0, name);
            return c.ExecuteScalar() as string;
        }, cancellationToken);
    }

    public ValueTask<string> SetSettingIfAbsentAsync(string name, string value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        return _db.WriteAsync((name, value), static (s, state) =>
        {
            var insert = s.Command(InsertSetting, "$name", "$value");
            insert.Set(0, state.name);
            insert.Set(1, state.value);
            insert.ExecuteNonQuery();
            var select = s.Command(SelectSetting, "$name");
            select.Set(0, state.name);
            return (string)select.ExecuteScalar()!;
        }, cancellationToken);
    }

    private static bool SecretTaken(SqliteSession s, byte[] hash)
    {
        var c = s.Command(SecretExists, "$hash");
        c.Set(0, hash);
        return (long)c.ExecuteScalar()! != 0;
    }

    private static void AddSecret(SqliteSession s, byte[] hash, string keyId, DateTimeOffset createdAt)
    {
        var c = s.Command(InsertSecret, "$hash", "$key", "$created");
        c.Set(0, hash);
        c.Set(1, keyId);
        c.Set(2, SqliteValues.Ticks(createdAt));
        c.ExecuteNonQuery();
    }

    private static Org ReadOrg(SqliteDataReader r, int at) => new()
    {
        Id = r.GetString(at),
        Name = r.GetString(at + 1),
        Limits = Limits(r.GetString(at + 2)),
        Policy = Policy(r.GetString(at + 3)),
        CreatedAt = r.GetTime(at + 4),
    };

    private static Team ReadTeam(SqliteDataReader r, int at) => new()
    {
        Id = r.GetString(at),
        OrgId = r.GetString(at + 1),
        Name = r.GetString(at + 2),
        Limits = Limits(r.GetString(at + 3)),
        CreatedAt = r.GetTime(at + 4),
    };

    private static GatewayKey ReadKey(SqliteDataReader r, int at) => new()
    {
        Id = r.GetString(at),
        OrgId = r.GetString(at + 1),
        TeamId = r.GetStringOrNull(at + 2),
        Environment = r.GetStringOrNull(at + 3),
        Name = r.GetString(at + 4),
        Hint = r.GetString(at + 5),
        Tier = r.GetStringOrNull(at + 6),
        Limits = Limits(r.GetString(at + 7)),
        Access = Access(r.GetString(at + 8)),
        CreatedAt = r.GetTime(at + 9),
        RotatedAt = r.GetTimeOrNull(at + 10),
        RevokedAt = r.GetTimeOrNull(at + 11),
    };

    private static string Json(QuotaLimits limits) => JsonSerializer.Serialize(limits, SqliteJsonContext.Default.QuotaLimits);

    private static string Json(OrgPolicy policy) => JsonSerializer.Serialize(policy, SqliteJsonContext.Default.OrgPolicy);

    private static string Json(AccessRules access) => JsonSerializer.Serialize(access, SqliteJsonContext.Default.AccessRules);

    // Unrestricted values come back as the shared singletons, so records holding them compare equal after a round trip.
    private static QuotaLimits Limits(string json)
    {
        var limits = JsonSerializer.Deserialize(json, SqliteJsonContext.Default.QuotaLimits)!;
        return limits.Any ? limits : QuotaLimits.None;
    }

    private static AccessRules Access(string json)
    {
        var access = JsonSerializer.Deserialize(json, SqliteJsonContext.Default.AccessRules)!;
        return access.IsRestrictive ? access : AccessRules.AllowAll;
    }

    private static OrgPolicy Policy(string json)
    {
        var policy = JsonSerializer.Deserialize(json, SqliteJsonContext.Default.OrgPolicy)!;
        policy = policy with { Access = policy.Access.IsRestrictive ? policy.Access : AccessRules.AllowAll };
        return policy.Access.IsRestrictive || policy.KeyLimitCaps.Any || policy.AuditContent || policy.AuditContentRetentionDays != OrgPolicy.DefaultAuditContentRetentionDays
            || policy.ConversationCapture != OrgPolicy.None.ConversationCapture || policy.ConversationRetentionDays is not null
            ? policy
            : OrgPolicy.None;
    }
}
