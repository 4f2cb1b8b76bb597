using System.Text.Json;
using Npgsql;
using ThreadSync.Gateway.Governance;
using static ThreadSync.Gateway.Storage.Postgres.PostgresParameters;

namespace ThreadSync.Gateway.Storage.Postgres;

/// <summary>Orgs, teams, keys, secret hashes and settings in PostgreSQL. Limits, access rules and policies are <c>jsonb</c>.</summary>
internal sealed class PostgresGovernanceStore : IGovernanceStore
{
    private const string OrgColumns = "o.id, o.name, o.limits::text, o.policy::text, o.created_at";
    private const string TeamColumns = "t.id, t.org_id, t.name, t.limits::text, t.created_at";
    private const string KeyColumns = "k.id, k.org_id, k.team_id, k.environment, k.name, k.hint, k.tier, k.limits::text, k.access::text, k.created_at, k.rotated_at, k.revoked_at";
    private const int OrgColumnCount = 5;
    private const int TeamColumnCount = 5;
    private const int KeyColumnCount = 12;

    private readonly PostgresDatabase _database;

    /// <summary>Initializes a new instance of the <see cref="PostgresGovernanceStore"/> class.</summary>
    /// <param name="database">The database.</param>
    public PostgresGovernanceStore(PostgresDatabase database)
    {
        _database = database;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> CreateOrgAsync(Org org, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(org);
        await using var command = await CommandAsync(
            "insert into orgs (id, name, limits, policy, created_at) values ($1, $2, $3::jsonb, $4::jsonb, $5) on conflict (id) do nothing",
            cancellationToken).ConfigureAwait(false);
        command.Parameters.Add(Text(org.Id));
        command.Parameters.Add(Text(org.Name));
        command.Parameters.Add(Text(Serialize(org.Limits)));
        command.Parameters.Add(Text(JsonSerializer.Serialize(org.Policy, PostgresJsonContext.Default.OrgPolicy)));
        command.Parameters.Add(Time(org.CreatedAt));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc/>
    public async ValueTask<Org?> GetOrgAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var command = await CommandAsync($"select {OrgColumns} from orgs o where o.id = $1", cancellationToken).ConfigureAwait(false);
        command.Parameters.Add(Text(id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadOrg(reader, 0) : null;
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<Org>> ListOrgsAsync(CancellationToken cancellationToken = default)
    {
        await using var command = await CommandAsync($"select {OrgColumns} from orgs o order by o.id collate \"C\"", cancellationToken).ConfigureAwait(false);
        var orgs = new List<Org>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            orgs.Add(ReadOrg(reader, 0));
        }

        return orgs;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> UpdateOrgAsync(Org org, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(org);
        await using var command = await CommandAsync(
            "update orgs set name = $2, limits = $3::jsonb, policy = $4::jsonb where id = $1",
            cancellationToken).ConfigureAwait(false);
        command.Parameters.Add(Text(org.Id));
        command.Parameters.Add(Text(org.Name));
        command.Parameters.Add(Text(Serialize(org.Limits)));
        command.Parameters.Add(Text(JsonSerializer.Serialize(org.Policy, PostgresJsonContext.Default.OrgPolicy)));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> CreateTeamAsync(Team team, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(team);
        await using var command = await CommandAsync(
            """
            insert into teams (id, org_id, name, limits, created_at)
            select $1, $2, $3, $4::jsonb, $5
            where exists (select 1 from orgs where id = $2)
            on conflict (id) do nothing
            """,
            cancellationToken).ConfigureAwait(false);
        command.Parameters.Add(Text(team.Id));
        command.Parameters.Add(Text(team.OrgId));
        command.Parameters.Add(Text(team.Name));
        command.Parameters.Add(Text(Serialize(team.Limits)));
        command.Parameters.Add(Time(team.CreatedAt));
        return await ExecuteCreateAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<Team?> GetTeamAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var command = await CommandAsync($"select {TeamColumns} from teams t where t.id = $1", cancellationToken).ConfigureAwait(false);
        command.Parameters.Add(Text(id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadTeam(reader, 0) : null;
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<Team>> ListTeamsAsync(string? orgId = null, CancellationToken cancellationToken = default)
    {
        await using var command = await CommandAsync(
            $"select {TeamColumns} from teams t where ($1::text is null or t.org_id = $1) order by t.id collate \"C\"",
            cancellationToken).ConfigureAwait(false);
        command.Parameters.Add(Text(orgId));
        var teams = new List<Team>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            teams.Add(ReadTeam(reader, 0));
        }

        return teams;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> UpdateTeamAsync(Team team, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(team);
        await using var command = await CommandAsync("update teams set name = $2, limits = $3::jsonb where id = $1", cancellationToken).ConfigureAwait(false);
        command.Parameters.Add(Text(team.Id));
        command.Parameters.Add(Text(team.Name));
        command.Parameters.Add(Text(Serialize(team.Limits)));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> CreateKeyAsync(GatewayKey key, byte[] secretHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(secretHash);

        // The key and its first secret in one statement; the org (and the team, in that org) must exist.
        await using var command = await CommandAsync(
            """
            with k as (
                insert into keys (id, org_id, team_id, environment, name, hint, tier, limits, access, created_at, rotated_at, revoked_at)
                select $1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10, $11, $12
                where exists (select 1 from orgs where id = $2)
                  and ($3::text is null or exists (select 1 from teams where id = $3 and org_id = $2))
                on conflict (id) do nothing
                returning id
            )
            insert into key_secrets (hash, key_id, created_at)
            select $13, k.id, $10 from k
            """,
            cancellationToken).ConfigureAwait(false);
        command.Parameters.Add(Text(key.Id));
        command.Parameters.Add(Text(key.OrgId));
        command.Parameters.Add(Text(key.TeamId));
        command.Parameters.Add(Text(key.Environment));
        command.Parameters.Add(Text(key.Name));
        command.Parameters.Add(Text(key.Hint));
        command.Parameters.Add(Text(key.Tier));
        command.Parameters.Add(Text(Serialize(key.Limits)));
        command.Parameters.Add(Text(JsonSerializer.Serialize(key.Access, PostgresJsonContext.Default.AccessRules)));
        command.Parameters.Add(Time(key.CreatedAt));
        command.Parameters.Add(Time(key.RotatedAt));
        command.Parameters.Add(Time(key.RevokedAt));
        command.Parameters.Add(Bytes(secretHash));
        return await ExecuteCreateAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<GatewayKey?> GetKeyAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var command = await CommandAsync($"select {KeyColumns} from keys k where k.id = $1", cancellationToken).ConfigureAwait(false);
        command.Parameters.Add(Text(id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadKey(reader, 0) : null;
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<GatewayKey>> ListKeysAsync(string? orgId = null, string? teamId = null, CancellationToken cancellationToken = default)
    {
        await using var command = await CommandAsync(
            $"""
            select {KeyColumns} from keys k
            where ($1::text is null or k.org_id = $1) and ($2::text is null or k.team_id = $2)
            order by k.id collate "C"
            """,
            cancellationToken).ConfigureAwait(false);
        command.Parameters.Add(Text(orgId));
        command.Parameters.Add(Text(teamId));
        var keys = new List<GatewayKey>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            keys.Add(ReadKey(reader, 0));
        }

        return keys;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> UpdateKeyAsync(GatewayKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var command = await CommandAsync(
            "update keys set name = $2, environment = $3, tier = $4, limits = $5::jsonb, access = $6::jsonb where id = $1",
            cancellationToken).ConfigureAwait(false);
        command.Parameters.Add(Text(key.Id));
        command.Parameters.Add(Text(key.Name));
        command.Parameters.Add(Text(key.Environment));
        command.Parameters.Add(Text(key.Tier));
        command.Parameters.Add(Text(Serialize(key.Limits)));
        command.Parameters.Add(Text(JsonSerializer.Serialize(key.Access, PostgresJsonContext.Default.AccessRules)));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> RotateKeyAsync(string id, byte[] newSecretHash, string newHint, DateTimeOffset rotatedAt, DateTimeOffset previousSecretsExpireAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(newSecretHash);
        ArgumentNullException.ThrowIfNull(newHint);

        // One statement, one snapshot: the expiry update cannot touch the secret inserted beside it.
        // least() ignores nulls, so a secret without expiry gets the new one and an earlier expiry is kept.
        await using var command = await CommandAsync(
            """
            with k as (
                update keys set hint = $3, rotated_at = $4
                where id = $1 and revoked_at is null
                returning id
            ), expired as (
                update key_secrets set expires_at = least(expires_at, $5)
                where key_id in (select id from k)
            )
            insert into key_secrets (hash, key_id, created_at)
            select $2, k.id, $4 from k
            """,
            cancellationToken).ConfigureAwait(false);
        command.Parameters.Add(Text(id));
        command.Parameters.Add(Bytes(newSecretHash));
        command.Parameters.Add(Text(newHint));
        command.Parameters.Add(Time(rotatedAt));
        command.Parameters.Add(Time(previousSecretsExpireAt));
        return await ExecuteCreateAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<bool> RevokeKeyAsync(string id, DateTimeOffset revokedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var command = await CommandAsync("update keys set revoked_at = $2 where id = $1 and revoked_at is null", cancellationToken).ConfigureAwait(false);
        command.Parameters.Add(Text(id));
        command.Parameters.Add(Time(revokedAt));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc/>
    public async ValueTask<KeyCredential?> FindCredentialAsync(byte[] secretHash, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(secretHash);
        await using var command = await CommandAsync(
            $"""
            select {KeyColumns}, {TeamColumns}, {OrgColumns}
            from key_secrets s
            join keys k on k.id = s.key_id
            join orgs o on o.id = k.org_id
            left join teams t on t.id = k.team_id
            where s.hash = $1 and (s.expires_at is null or s.expires_at > $2) and k.revoked_at is null
            """,
            cancellationToken).ConfigureAwait(false);
        command.Parameters.Add(Bytes(secretHash));
        command.Parameters.Add(Time(now));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var key = ReadKey(reader, 0);
        var team = reader.IsDBNull(KeyColumnCount) ? null : ReadTeam(reader, KeyColumnCount);
        var org = ReadOrg(reader, KeyColumnCount + TeamColumnCount);
        return new KeyCredential(key, team, org);
    }

    /// <inheritdoc/>
    public async ValueTask<string?> GetSettingAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        await using var command = await CommandAsync("select value from settings where name = $1", cancellationToken).ConfigureAwait(false);
        command.Parameters.Add(Text(name));
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    /// <inheritdoc/>
    public async ValueTask<string> SetSettingIfAbsentAsync(string name, string value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        while (true)
        {
            // When another instance inserts the same setting concurrently, this statement's snapshot may see neither
            // its own insert (it did nothing) nor the other's row: then ask again.
            await using var command = await CommandAsync(
                """
                with inserted as (
                    insert into settings (name, value) values ($1, $2) on conflict (name) do nothing returning value
                )
                select value from inserted
                union all
                select value from settings where name = $1
                limit 1
                """,
                cancellationToken).ConfigureAwait(false);
            command.Parameters.Add(Text(name));
            command.Parameters.Add(Text(value));
            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string current)
            {
                return current;
            }
        }
    }

    private static async ValueTask<bool> ExecuteCreateAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        try
        {
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.ForeignKeyViolation)
        {
            // A secret hash already in use, or a parent removed under us: the create did not happen.
            return false;
        }
    }

    private static Org ReadOrg(NpgsqlDataReader reader, int at) => new()
    {
        Id = reader.GetString(at),
        Name = reader.GetString(at + 1),
        Limits = DeserializeLimits(reader.GetString(at + 2)),
        Policy = JsonSerializer.Deserialize(reader.GetString(at + 3), PostgresJsonContext.Default.OrgPolicy) ?? OrgPolicy.None,
        CreatedAt = reader.GetFieldValue<DateTimeOffset>(at + 4),
    };

    private static Team ReadTeam(NpgsqlDataReader reader, int at) => new()
    {
        Id = reader.GetString(at),
        OrgId = reader.GetString(at + 1),
        Name = reader.GetString(at + 2),
        Limits = DeserializeLimits(reader.GetString(at + 3)),
        CreatedAt = reader.GetFieldValue<DateTimeOffset>(at + 4),
    };

    private static GatewayKey ReadKey(NpgsqlDataReader reader, int at) => new()
    {
        Id = reader.GetString(at),
        OrgId = reader.GetString(at + 1),
        TeamId = NullableString(reader, at + 2),
        Environment = NullableString(reader, at + 3),
        Name = reader.GetString(at + 4),
        Hint = reader.GetString(at + 5),
        Tier = NullableString(reader, at + 6),
        Limits = DeserializeLimits(reader.GetString(at + 7)),
        Access = JsonSerializer.Deserialize(reader.GetString(at + 8), PostgresJsonContext.Default.AccessRules) ?? AccessRules.AllowAll,
        CreatedAt = reader.GetFieldValue<DateTimeOffset>(at + 9),
        RotatedAt = NullableTime(reader, at + 10),
        RevokedAt = NullableTime(reader, at + 11),
    };

    private static string? NullableString(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static DateTimeOffset? NullableTime(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);

    private static string Serialize(QuotaLimits limits) => JsonSerializer.Serialize(limits, PostgresJsonContext.Default.QuotaLimits);

    private static QuotaLimits DeserializeLimits(string json) =>
        JsonSerializer.Deserialize(json, PostgresJsonContext.Default.QuotaLimits) ?? QuotaLimits.None;

    private async ValueTask<NpgsqlCommand> CommandAsync(string sql, CancellationToken cancellationToken)
    {
        await _database.EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        return _database.DataSource.CreateCommand(sql);
    }
}
