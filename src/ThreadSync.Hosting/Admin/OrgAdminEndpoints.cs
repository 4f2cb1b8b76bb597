using ThreadSync.Gateway.Governance;
using ThreadSync.Gateway.Storage;

namespace ThreadSync.Hosting.Admin;

/// <summary><c>/admin/v1/orgs</c>: create, list, read and update orgs, and read or replace an org's policy.</summary>
internal sealed class OrgAdminEndpoints(GatewayStores stores, TimeProvider timeProvider)
{
    private IGovernanceStore Governance => stores.Governance;

    /// <summary><c>POST /admin/v1/orgs</c> {id?, name, limits?, policy?} → 201 with the org; 409 when the id is taken.</summary>
    public async ValueTask<AdminResponse> CreateAsync(AdminCall call)
    {
        var body = (await AdminBody.ReadAsync(call.Http.Request)).Allow("id", "name", "limits", "policy");
        var id = body.OptionalId("id");
        call.TargetId = id ?? AdminCall.CollectionTarget;
        var org = new Org
        {
            Id = id ?? GatewayKeys.NewId("org_"),
            Name = body.RequiredName("name"),
            Limits = body.Limits("limits") ?? QuotaLimits.None,
            Policy = body.Policy("policy") ?? OrgPolicy.None,
            CreatedAt = timeProvider.GetUtcNow(),
        };
        call.SetDetails(org, static (writer, org) =>
        {
            writer.WriteString("name", org.Name);
            AdminJson.WriteLimits(writer, "limits", org.Limits);
            AdminJson.WritePolicy(writer, "policy", org.Policy);
        });
        if (!await Governance.CreateOrgAsync(org, call.Aborted))
        {
            throw AdminErrors.Conflict($"An org with id '{org.Id}' already exists.", "id");
        }

        call.TargetId = org.Id;
        return AdminResponse.Created(writer => AdminJson.WriteOrg(writer, org));
    }

    /// <summary><c>GET /admin/v1/orgs</c> → <c>{data:[…]}</c>, by id.</summary>
    public async ValueTask<AdminResponse> ListAsync(AdminCall call)
    {
        var orgs = await Governance.ListOrgsAsync(call.Aborted);
        return AdminResponse.Ok(writer => AdminJson.WriteList(writer, orgs, AdminJson.WriteOrg));
    }

    /// <summary><c>GET /admin/v1/orgs/{id}</c>.</summary>
    public async ValueTask<AdminResponse> GetAsync(AdminCall call)
    {
        var org = await FindAsync(call);
        return AdminResponse.Ok(writer => AdminJson.WriteOrg(writer, org));
    }

    /// <summary><c>PATCH /admin/v1/orgs/{id}</c> {name?, limits?}: a present <c>limits</c> replaces all the org's limits.</summary>
    public async ValueTask<AdminResponse> UpdateAsync(AdminCall call)
    {
        var org = await FindAsync(call);
        var body = (await AdminBody.ReadAsync(call.Http.Request)).Allow("name", "limits");
        var name = body.Has("name") ? body.RequiredName("name") : null;
        var limits = body.Limits("limits");
        var updated = org with { Name = name ?? org.Name, Limits = limits ?? org.Limits };
        call.SetDetails((name, limits), static (writer, changes) =>
        {
            if (changes.name is not null)
            {
                writer.WriteString("name", changes.name);
            }

            if (changes.limits is not null)
            {
                AdminJson.WriteLimits(writer, "limits", changes.limits);
            }
        });
        if (!await Governance.UpdateOrgAsync(updated, call.Aborted))
        {
            throw AdminErrors.NotFound("org", org.Id);
        }

        return AdminResponse.Ok(writer => AdminJson.WriteOrg(writer, updated));
    }

    /// <summary><c>GET /admin/v1/orgs/{id}/policy</c>.</summary>
    public async ValueTask<AdminResponse> GetPolicyAsync(AdminCall call)
    {
        var org = await FindAsync(call);
        return AdminResponse.Ok(writer => AdminJson.WritePolicyValue(writer, org.Policy));
    }

    /// <summary><c>PUT /admin/v1/orgs/{id}/policy</c> {access?, key_limit_caps?, audit_content?, audit_content_retention_days?, conversation_capture?, conversation_retention_days?}: replaces the whole policy (absent parts restrict nothing).</summary>
    public async ValueTask<AdminResponse> PutPolicyAsync(AdminCall call)
    {
        var org = await FindAsync(call);
        var policy = (await AdminBody.ReadAsync(call.Http.Request)).AsPolicy();
        var updated = org with { Policy = policy };
        call.SetDetails(policy, static (writer, policy) => AdminJson.WritePolicy(writer, "policy", policy));
        if (!await Governance.UpdateOrgAsync(updated, call.Aborted))
        {
            throw AdminErrors.NotFound("org", org.Id);
        }

        return AdminResponse.Ok(writer => AdminJson.WritePolicyValue(writer, policy));
    }

    private async ValueTask<Org> FindAsync(AdminCall call)
    {
        var id = call.RouteId;
        call.TargetId = AdminErrors.Quote(id);
        return (GatewayKeys.IsValidId(id) ? await Governance.GetOrgAsync(id, call.Aborted) : null)
            ?? throw AdminErrors.NotFound("org", id);
    }
}
