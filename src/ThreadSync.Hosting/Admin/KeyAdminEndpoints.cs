using System.Text.Json;
using Microsoft.Extensions.Options;
using ThreadSync.Gateway;
using ThreadSync.Gateway.Governance;
using ThreadSync.Gateway.Storage;

namespace ThreadSync.Hosting.Admin;

/// <summary>
/// <c>/admin/v1/keys</c>: create (the secret is in that response only), list, read, update, rotate and revoke managed
/// keys. Only the SHA-256 hash of a secret is stored; key JSON shows its <c>hint</c> (last four characters).
/// </summary>
internal sealed class KeyAdminEndpoints(GatewayStores stores, IOptions<GatewayOptions> options, TimeProvider timeProvider)
{
    /// <summary>The longest rotation grace period accepted: a year.</summary>
    public const long MaxGracePeriodSeconds = 365L * 24 * 3600;

    private static readonly string[] UpdatableFields = ["name", "environment", "tier", "limits", "access"];

    private IGovernanceStore Governance => stores.Governance;

    /// <summary>
    /// <c>POST /admin/v1/keys</c> {org_id, team_id?, environment?, name, tier?, limits?, access?} → 201 with the key
    /// and its <c>secret</c>; 400 when the org or team does not exist (or the team is another org's) or the tier is unknown.
    /// </summary>
    public async ValueTask<AdminResponse> CreateAsync(AdminCall call)
    {
        var body = (await AdminBody.ReadAsync(call.Http.Request)).Allow("org_id", "team_id", "environment", "name", "tier", "limits", "access");
        var orgId = body.RequiredId("org_id");
        var teamId = body.OptionalId("team_id");
        var secret = GatewayKeys.Generate();
        var key = new GatewayKey
        {
            Id = GatewayKeys.NewId("key_"),
            OrgId = orgId,
            TeamId = teamId,
            Environment = ReadEnvironment(body),
            Name = body.RequiredName("name"),
            Hint = GatewayKeys.Hint(secret),
            Tier = ReadTier(body),
            Limits = body.Limits("limits") ?? QuotaLimits.None,
            Access = body.Access("access") ?? AccessRules.AllowAll,
            CreatedAt = timeProvider.GetUtcNow(),
        };
        call.SetDetails(key, static (writer, key) =>
        {
            writer.WriteString("org_id", key.OrgId);
            AdminJson.WriteOptional(writer, "team_id", key.TeamId);
            WriteSettings(writer, key, UpdatableFields);
        });
        if (await Governance.GetOrgAsync(orgId, call.Aborted) is null)
        {
            throw AdminErrors.Invalid("org_id", $"No org with id '{orgId}'.");
        }

        if (teamId is not null)
        {
            var team = await Governance.GetTeamAsync(teamId, call.Aborted) ?? throw AdminErrors.Invalid("team_id", $"No team with id '{teamId}'.");
            if (!string.Equals(team.OrgId, orgId, StringComparison.Ordinal))
            {
                throw AdminErrors.Invalid("team_id", $"The team '{teamId}' belongs to the org '{team.OrgId}', not '{orgId}'.");
            }
        }

        if (!await Governance.CreateKeyAsync(key, GatewayKeys.Hash(secret), call.Aborted))
        {
            throw AdminErrors.Conflict("The key could not be created: its org or team no longer exists, or the generated id was taken. Retry.");
        }

        call.TargetId = key.Id;
        return AdminResponse.Created(writer => WriteWithSecret(writer, key, secret, previousSecretExpiresAt: null));
    }

    /// <summary><c>GET /admin/v1/keys?org_id=&amp;team_id=</c> → <c>{data:[…]}</c>, by id.</summary>
    public async ValueTask<AdminResponse> ListAsync(AdminCall call)
    {
        var orgId = AdminQuery.Id(call.Http.Request, "org_id");
        var teamId = AdminQuery.Id(call.Http.Request, "team_id");
        call.TargetId = teamId ?? orgId ?? AdminCall.CollectionTarget;
        var keys = await Governance.ListKeysAsync(orgId, teamId, call.Aborted);
        return AdminResponse.Ok(writer => AdminJson.WriteList(writer, keys, AdminJson.WriteKey));
    }

    /// <summary><c>GET /admin/v1/keys/{id}</c>.</summary>
    public async ValueTask<AdminResponse> GetAsync(AdminCall call)
    {
        var key = await FindAsync(call);
        return AdminResponse.Ok(writer => AdminJson.WriteKey(writer, key));
    }

    /// <summary>
    /// <c>PATCH /admin/v1/keys/{id}</c> {name?, environment?, tier?, limits?, access?}: each field present replaces the
    /// key's (a <c>limits</c> or <c>access</c> object replaces the whole object; <c>null</c> clears it).
    /// </summary>
    public async ValueTask<AdminResponse> UpdateAsync(AdminCall call)
    {
        var key = await FindAsync(call);
        var body = (await AdminBody.ReadAsync(call.Http.Request)).Allow(UpdatableFields);
        var updated = key with
        {
            Name = body.Has("name") ? body.RequiredName("name") : key.Name,
            Environment = body.Has("environment") ? ReadEnvironment(body) : key.Environment,
            Tier = body.Has("tier") ? ReadTier(body) : key.Tier,
            Limits = body.Limits("limits") ?? key.Limits,
            Access = body.Access("access") ?? key.Access,
        };
        var changed = UpdatableFields.Where(body.Has).ToArray();
        call.SetDetails((updated, changed), static (writer, state) => WriteSettings(writer, state.updated, state.changed));
        if (!await Governance.UpdateKeyAsync(updated, call.Aborted))
        {
            throw AdminErrors.NotFound("key", key.Id);
        }

        return AdminResponse.Ok(writer => AdminJson.WriteKey(writer, updated));
    }

    /// <summary>
    /// <c>POST /admin/v1/keys/{id}/rotate</c> {grace_period_seconds?} → the key with its new <c>secret</c> and
    /// <c>previous_secret_expires_at</c>: older secrets keep working until then (<c>ThreadSync:Governance:RotationGracePeriod</c>
    /// by default; 0 ends them at once). 409 for a revoked key.
    /// </summary>
    public async ValueTask<AdminResponse> RotateAsync(AdminCall call)
    {
        var key = await FindAsync(call);
        var body = (await AdminBody.ReadAsync(call.Http.Request, optional: true)).Allow("grace_period_seconds");
        var graceSeconds = body.OptionalInt64("grace_period_seconds", 0, MaxGracePeriodSeconds);
        var grace = graceSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : options.Value.Governance.RotationGracePeriod;
        if (key.RevokedAt is not null)
        {
            throw AdminErrors.Conflict($"The key '{key.Id}' is revoked; a revoked key cannot be rotated. Create a new key.");
        }

        var now = timeProvider.GetUtcNow();
        var expiresAt = now + grace;
        call.SetDetails((grace, expiresAt), static (writer, state) =>
        {
            writer.WriteNumber("grace_period_seconds", (long)state.grace.TotalSeconds);
            AdminJson.WriteTime(writer, "previous_secret_expires_at", state.expiresAt);
        });
        var secret = GatewayKeys.Generate();
        if (!await Governance.RotateKeyAsync(key.Id, GatewayKeys.Hash(secret), GatewayKeys.Hint(secret), now, expiresAt, call.Aborted))
        {
            throw AdminErrors.Conflict($"The key '{key.Id}' was revoked while it was being rotated.");
        }

        var rotated = await Governance.GetKeyAsync(key.Id, call.Aborted) ?? key with { Hint = GatewayKeys.Hint(secret), RotatedAt = now };
        return AdminResponse.Ok(writer => WriteWithSecret(writer, rotated, secret, expiresAt));
    }

    /// <summary>
    /// <c>POST /admin/v1/keys/{id}/revoke</c> → the revoked key. Effective from the next request, whatever secret is
    /// presented; revoking a revoked key changes nothing and answers the same.
    /// </summary>
    public async ValueTask<AdminResponse> RevokeAsync(AdminCall call)
    {
        var key = await FindAsync(call);
        (await AdminBody.ReadAsync(call.Http.Request, optional: true)).Allow();
        var alreadyRevoked = key.RevokedAt is not null;
        if (!alreadyRevoked)
        {
            await Governance.RevokeKeyAsync(key.Id, timeProvider.GetUtcNow(), call.Aborted);
            key = await Governance.GetKeyAsync(key.Id, call.Aborted) ?? throw AdminErrors.NotFound("key", key.Id);
        }

        call.SetDetails(alreadyRevoked, static (writer, alreadyRevoked) => writer.WriteBoolean("already_revoked", alreadyRevoked));
        return AdminResponse.Ok(writer => AdminJson.WriteKey(writer, key));
    }

    private static void WriteWithSecret(Utf8JsonWriter writer, GatewayKey key, string secret, DateTimeOffset? previousSecretExpiresAt)
    {
        writer.WriteStartObject();
        AdminJson.WriteKeyProperties(writer, key);
        writer.WriteString("secret", secret);
        if (previousSecretExpiresAt is { } expiresAt)
        {
            AdminJson.WriteTime(writer, "previous_secret_expires_at", expiresAt);
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes the named settings of a key (audit details: never the secret or its hash).</summary>
    private static void WriteSettings(Utf8JsonWriter writer, GatewayKey key, string[] fields)
    {
        foreach (var field in fields)
        {
            switch (field)
            {
                case "name":
                    writer.WriteString("name", key.Name);
                    break;
                case "environment":
                    AdminJson.WriteOptional(writer, "environment", key.Environment);
                    break;
                case "tier":
                    AdminJson.WriteOptional(writer, "tier", key.Tier);
                    break;
                case "limits":
                    AdminJson.WriteLimits(writer, "limits", key.Limits);
                    break;
                case "access":
                    AdminJson.WriteAccess(writer, "access", key.Access);
                    break;
            }
        }
    }

    private static string? ReadEnvironment(AdminBody body) => body.OptionalText("environment", 64);

    /// <summary>Reads <c>tier</c>: a known tier, stored under its configured spelling; <see langword="null"/> for the default tier.</summary>
    private string? ReadTier(AdminBody body)
    {
        var tier = body.OptionalText("tier", 64);
        if (tier is null)
        {
            return null;
        }

        var governance = options.Value.Governance;
        var names = GatewayTiers.Names(governance);
        return names.FirstOrDefault(name => string.Equals(name, tier, StringComparison.OrdinalIgnoreCase))
            ?? throw AdminErrors.Invalid("tier", $"Unknown tier '{AdminErrors.Quote(tier)}'; the tiers are: {string.Join(", ", names)}.");
    }

    private async ValueTask<GatewayKey> FindAsync(AdminCall call)
    {
        var id = call.RouteId;
        call.TargetId = AdminErrors.Quote(id);
        return (GatewayKeys.IsValidId(id) ? await Governance.GetKeyAsync(id, call.Aborted) : null)
            ?? throw AdminErrors.NotFound("key", id);
    }
}
