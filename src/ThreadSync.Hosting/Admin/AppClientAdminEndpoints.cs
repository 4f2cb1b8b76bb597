using System.Text.Json;
using ThreadSync.Gateway.Governance;
using ThreadSync.Gateway.Storage;
using ThreadSync.Hosting.Sessions;

namespace ThreadSync.Hosting.Admin;

/// <summary>
/// App clients over the admin API: the browser applications allowed to use subject sessions (their origins, the
/// models their sessions may use, the session lifetime, the owning org), and revoking a session.
/// </summary>
internal sealed class AppClientAdminEndpoints(GatewayStores stores, AppClientOrigins origins, TimeProvider timeProvider)
{
    public const int MaxOrigins = 50;

    public const long MinLifetimeSeconds = 60;

    public const long MaxLifetimeSeconds = 86_400;

    private static readonly string[] UpdatableFields = ["name", "allowed_origins", "access", "session_lifetime_seconds"];

    private ISessionStore Store => stores.Sessions;

    /// <summary><c>POST /admin/v1/app-clients</c> {org_id, name, allowed_origins, access?, session_lifetime_seconds?} → 201 with the app client.</summary>
    public async ValueTask<AdminResponse> CreateAsync(AdminCall call)
    {
        var body = (await AdminBody.ReadAsync(call.Http.Request)).Allow("org_id", "name", "allowed_origins", "access", "session_lifetime_seconds");
        var orgId = body.RequiredId("org_id");
        var client = new AppClient
        {
            Id = GatewayKeys.NewId("app_"),
            OrgId = orgId,
            Name = body.RequiredName("name"),
            AllowedOrigins = ReadOrigins(body) ?? throw AdminErrors.Missing("allowed_origins"),
            Access = body.Access("access") ?? AccessRules.AllowAll,
            SessionLifetime = TimeSpan.FromSeconds(body.OptionalInt64("session_lifetime_seconds", MinLifetimeSeconds, MaxLifetimeSeconds) ?? 900),
            CreatedAt = timeProvider.GetUtcNow(),
        };
        call.SetDetails(client, static (writer, client) => WriteSettings(writer, client, ["org_id", .. UpdatableFields]));
        if (await stores.Governance.GetOrgAsync(orgId, call.Aborted) is null)
        {
            throw AdminErrors.Invalid("org_id", $"No org with id '{orgId}'.");
        }

        if (!await Store.CreateAppClientAsync(client, call.Aborted))
        {
            throw AdminErrors.Conflict("The app client could not be created: the generated id was taken. Retry.");
        }

        origins.Invalidate();
        call.TargetId = client.Id;
        return AdminResponse.Created(writer => Write(writer, client));
    }

    /// <summary><c>GET /admin/v1/app-clients?org_id=</c> → <c>{object: "list", data: […]}</c>, oldest first.</summary>
    public async ValueTask<AdminResponse> ListAsync(AdminCall call)
    {
        var orgId = AdminQuery.Id(call.Http.Request, "org_id");
        call.TargetId = orgId ?? AdminCall.CollectionTarget;
        var clients = await Store.ListAppClientsAsync(orgId, call.Aborted);
        return AdminResponse.Ok(writer => AdminJson.WriteList(writer, clients, Write));
    }

    /// <summary><c>GET /admin/v1/app-clients/{id}</c>.</summary>
    public async ValueTask<AdminResponse> GetAsync(AdminCall call)
    {
        var client = await FindAsync(call);
        return AdminResponse.Ok(writer => Write(writer, client));
    }

    /// <summary><c>PATCH /admin/v1/app-clients/{id}</c> {name?, allowed_origins?, access?, session_lifetime_seconds?}: each field present replaces the app client's.</summary>
    public async ValueTask<AdminResponse> UpdateAsync(AdminCall call)
    {
        var client = await FindAsync(call);
        var body = (await AdminBody.ReadAsync(call.Http.Request)).Allow(UpdatableFields);
        var lifetime = body.OptionalInt64("session_lifetime_seconds", MinLifetimeSeconds, MaxLifetimeSeconds);
        var updated = client with
        {
            Name = body.Has("name") ? body.RequiredName("name") : client.Name,
            AllowedOrigins = ReadOrigins(body) ?? client.AllowedOrigins,
            Access = body.Access("access") ?? client.Access,
            SessionLifetime = lifetime is { } seconds ? TimeSpan.FromSeconds(seconds) : client.SessionLifetime,
        };
        var changed = UpdatableFields.Where(body.Has).ToArray();
        call.SetDetails((updated, changed), static (writer, state) => WriteSettings(writer, state.updated, state.changed));
        if (!await Store.UpdateAppClientAsync(updated, call.Aborted))
        {
            throw AdminErrors.NotFound("app client", client.Id);
        }

        origins.Invalidate();
        return AdminResponse.Ok(writer => Write(writer, updated));
    }

    /// <summary>
    /// <c>POST /admin/v1/app-clients/{id}/revoke</c>: no more share codes or exchanges, and its sessions stop at their
    /// next request. Revoking a revoked app client changes nothing.
    /// </summary>
    public async ValueTask<AdminResponse> RevokeAsync(AdminCall call)
    {
        var client = await FindAsync(call);
        (await AdminBody.ReadAsync(call.Http.Request, optional: true)).Allow();
        if (client.RevokedAt is null)
        {
            client = client with { RevokedAt = timeProvider.GetUtcNow() };
            if (!await Store.UpdateAppClientAsync(client, call.Aborted))
            {
                throw AdminErrors.NotFound("app client", client.Id);
            }

            origins.Invalidate();
        }

        return AdminResponse.Ok(writer => Write(writer, client));
    }

    /// <summary><c>POST /admin/v1/sessions/{id}/revoke</c> → {id, object: "session", revoked: true}; 404 when there is no such session.</summary>
    public async ValueTask<AdminResponse> RevokeSessionAsync(AdminCall call)
    {
        var id = call.RouteId;
        call.TargetId = AdminErrors.Quote(id);
        (await AdminBody.ReadAsync(call.Http.Request, optional: true)).Allow();
        var session = id.Length is > 0 and <= 64 ? await Store.GetSessionAsync(id, call.Aborted) : null;
        if (session is null || !await Store.RevokeSessionAsync(session.Id, timeProvider.GetUtcNow(), call.Aborted))
        {
            throw AdminErrors.NotFound("session", id);
        }

        call.SetDetails(session, static (writer, session) =>
        {
            writer.WriteString("org_id", session.OrgId);
            writer.WriteString("app_client_id", session.AppClientId);
            writer.WriteString("subject_id", session.SubjectId);
        });
        return AdminResponse.Ok(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("id", session.Id);
            writer.WriteString("object", "session");
            writer.WriteBoolean("revoked", true);
            writer.WriteEndObject();
        });
    }

    private static IReadOnlyList<string>? ReadOrigins(AdminBody body)
    {
        var values = body.OptionalStrings("allowed_origins", MaxOrigins, 256);
        if (values is null)
        {
            return null;
        }

        if (values.Count == 0)
        {
            throw AdminErrors.Invalid("allowed_origins", "'allowed_origins' must name at least one origin.");
        }

        var origins = new List<string>(values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            var origin = OriginNames.Normalize(values[i])
                ?? throw AdminErrors.Invalid($"allowed_origins[{i}]", $"'allowed_origins[{i}]' must be an origin: http(s)://host[:port], with no path, query or wildcard.");
            if (!origins.Contains(origin))
            {
                origins.Add(origin);
            }
        }

        return origins;
    }

    private static void Write(Utf8JsonWriter writer, AppClient client)
    {
        writer.WriteStartObject();
        writer.WriteString("object", "app_client");
        writer.WriteString("id", client.Id);
        writer.WriteString("org_id", client.OrgId);
        WriteSettings(writer, client, UpdatableFields);
        AdminJson.WriteTime(writer, "created_at", client.CreatedAt);
        AdminJson.WriteOptionalTime(writer, "revoked_at", client.RevokedAt);
        writer.WriteEndObject();
    }

    private static void WriteSettings(Utf8JsonWriter writer, AppClient client, string[] fields)
    {
        if (fields.Contains("org_id"))
        {
            writer.WriteString("org_id", client.OrgId);
        }

        if (fields.Contains("name"))
        {
            writer.WriteString("name", client.Name);
        }

        if (fields.Contains("allowed_origins"))
        {
            writer.WritePropertyName("allowed_origins");
            writer.WriteStartArray();
            foreach (var origin in client.AllowedOrigins)
            {
                writer.WriteStringValue(origin);
            }

            writer.WriteEndArray();
        }

        if (fields.Contains("access"))
        {
            AdminJson.WriteAccess(writer, "access", client.Access);
        }

        if (fields.Contains("session_lifetime_seconds"))
        {
            writer.WriteNumber("session_lifetime_seconds", (long)client.SessionLifetime.TotalSeconds);
        }
    }

    private async ValueTask<AppClient> FindAsync(AdminCall call)
    {
        var id = call.RouteId;
        call.TargetId = AdminErrors.Quote(id);
        return (GatewayKeys.IsValidId(id) ? await Store.GetAppClientAsync(id, call.Aborted) : null)
            ?? throw AdminErrors.NotFound("app client", id);
    }
}
