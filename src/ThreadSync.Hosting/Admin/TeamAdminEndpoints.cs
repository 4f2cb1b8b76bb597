using ThreadSync.Gateway.Governance;
using ThreadSync.Gateway.Storage;

namespace ThreadSync.Hosting.Admin;

/// <summary><c>/admin/v1/teams</c>: create, list, read and update teams.</summary>
internal sealed class TeamAdminEndpoints(GatewayStores stores, TimeProvider timeProvider)
{
    private IGovernanceStore Governance => stores.Governance;

    /// <summary><c>POST /admin/v1/teams</c> {id?, org_id, name, limits?} → 201; 400 when the org does not exist; 409 when the id is taken.</summary>
    public async ValueTask<AdminResponse> CreateAsync(AdminCall call)
    {
        var body = (await AdminBody.ReadAsync(call.Http.Request)).Allow("id", "org_id", "name", "limits");
        var id = body.OptionalId("id");
        call.TargetId = id ?? AdminCall.CollectionTarget;
        var team = new Team
        {
            Id = id ?? GatewayKeys.NewId("team_"),
            OrgId = body.RequiredId("org_id"),
            Name = body.RequiredName("name"),
            Limits = body.Limits("limits") ?? QuotaLimits.None,
            CreatedAt = timeProvider.GetUtcNow(),
        };
        call.SetDetails(team, static (writer, team) =>
        {
            writer.WriteString("org_id", team.OrgId);
            writer.WriteString("name", team.Name);
            AdminJson.WriteLimits(writer, "limits", team.Limits);
        });
        if (await Governance.GetOrgAsync(team.OrgId, call.Aborted) is null)
        {
            throw AdminErrors.Invalid("org_id", $"No org with id '{team.OrgId}'.");
        }

        if (!await Governance.CreateTeamAsync(team, call.Aborted))
        {
            throw AdminErrors.Conflict($"A team with id '{team.Id}' already exists.", "id");
        }

        call.TargetId = team.Id;
        return AdminResponse.Created(writer => AdminJson.WriteTeam(writer, team));
    }

    /// <summary><c>GET /admin/v1/teams?org_id=</c> → <c>{data:[…]}</c>, by id.</summary>
    public async ValueTask<AdminResponse> ListAsync(AdminCall call)
    {
        var orgId = AdminQuery.Id(call.Http.Request, "org_id");
        call.TargetId = orgId ?? AdminCall.CollectionTarget;
        var teams = await Governance.ListTeamsAsync(orgId, call.Aborted);
        return AdminResponse.Ok(writer => AdminJson.WriteList(writer, teams, AdminJson.WriteTeam));
    }

    /// <summary><c>GET /admin/v1/teams/{id}</c>.</summary>
    public async ValueTask<AdminResponse> GetAsync(AdminCall call)
    {
        var team = await FindAsync(call);
        return AdminResponse.Ok(writer => AdminJson.WriteTeam(writer, team));
    }

    /// <summary><c>PATCH /admin/v1/teams/{id}</c> {name?, limits?}: a present <c>limits</c> replaces all the team's limits.</summary>
    public async ValueTask<AdminResponse> UpdateAsync(AdminCall call)
    {
        var team = await FindAsync(call);
        var body = (await AdminBody.ReadAsync(call.Http.Request)).Allow("name", "limits");
        var name = body.Has("name") ? body.RequiredName("name") : null;
        var limits = body.Limits("limits");
        var updated = team with { Name = name ?? team.Name, Limits = limits ?? team.Limits };
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
        if (!await Governance.UpdateTeamAsync(updated, call.Aborted))
        {
            throw AdminErrors.NotFound("team", team.Id);
        }

        return AdminResponse.Ok(writer => AdminJson.WriteTeam(writer, updated));
    }

    private async ValueTask<Team> FindAsync(AdminCall call)
    {
        var id = call.RouteId;
        call.TargetId = AdminErrors.Quote(id);
        return (GatewayKeys.IsValidId(id) ? await Governance.GetTeamAsync(id, call.Aborted) : null)
            ?? throw AdminErrors.NotFound("team", id);
    }
}
