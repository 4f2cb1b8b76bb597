using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ThreadSync.Hosting.Admin;

/// <summary>Maps the admin API under <c>/admin/v1</c>. Every route runs through <see cref="AdminActionRunner"/> (admin key, audit).</summary>
internal static class AdminRoutes
{
    public const string Prefix = "/admin/v1";

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var admin = endpoints.MapGroup(Prefix);

        admin.MapPost("/orgs", Handler<OrgAdminEndpoints>("org.create", static (e, call) => e.CreateAsync(call)));
        admin.MapGet("/orgs", Handler<OrgAdminEndpoints>("org.list", static (e, call) => e.ListAsync(call)));
        admin.MapGet("/orgs/{id}", Handler<OrgAdminEndpoints>("org.get", static (e, call) => e.GetAsync(call)));
        admin.MapPatch("/orgs/{id}", Handler<OrgAdminEndpoints>("org.update", static (e, call) => e.UpdateAsync(call)));
        admin.MapGet("/orgs/{id}/policy", Handler<OrgAdminEndpoints>("org.policy.get", static (e, call) => e.GetPolicyAsync(call)));
        admin.MapPut("/orgs/{id}/policy", Handler<OrgAdminEndpoints>("org.policy.update", static (e, call) => e.PutPolicyAsync(call)));

        admin.MapPost("/teams", Handler<TeamAdminEndpoints>("team.create", static (e, call) => e.CreateAsync(call)));
        admin.MapGet("/teams", Handler<TeamAdminEndpoints>("team.list", static (e, call) => e.ListAsync(call)));
        admin.MapGet("/teams/{id}", Handler<TeamAdminEndpoints>("team.get", static (e, call) => e.GetAsync(call)));
        admin.MapPatch("/teams/{id}", Handler<TeamAdminEndpoints>("team.update", static (e, call) => e.UpdateAsync(call)));

        admin.MapPost("/keys", Handler<KeyAdminEndpoints>("key.create", static (e, call) => e.CreateAsync(call)));
        admin.MapGet("/keys", Handler<KeyAdminEndpoints>("key.list", static (e, call) => e.ListAsync(call)));
        admin.MapGet("/keys/{id}", Handler<KeyAdminEndpoints>("key.get", static (e, call) => e.GetAsync(call)));
        admin.MapPatch("/keys/{id}", Handler<KeyAdminEndpoints>("key.update", static (e, call) => e.UpdateAsync(call)));
        admin.MapPost("/keys/{id}/rotate", Handler<KeyAdminEndpoints>("key.rotate", static (e, call) => e.RotateAsync(call)));
        admin.MapPost("/keys/{id}/revoke", Handler<KeyAdminEndpoints>("key.revoke", static (e, call) => e.RevokeAsync(call)));

        admin.MapPost("/app-clients", Handler<AppClientAdminEndpoints>("app_client.create", static (e, call) => e.CreateAsync(call)));
        admin.MapGet("/app-clients", Handler<AppClientAdminEndpoints>("app_client.list", static (e, call) => e.ListAsync(call)));
        admin.MapGet("/app-clients/{id}", Handler<AppClientAdminEndpoints>("app_client.get", static (e, call) => e.GetAsync(call)));
        admin.MapPatch("/app-clients/{id}", Handler<AppClientAdminEndpoints>("app_client.update", static (e, call) => e.UpdateAsync(call)));
        admin.MapPost("/app-clients/{id}/revoke", Handler<AppClientAdminEndpoints>("app_client.revoke", static (e, call) => e.RevokeAsync(call)));
        admin.MapPost("/sessions/{id}/revoke", Handler<AppClientAdminEndpoints>("session.revoke", static (e, call) => e.RevokeSessionAsync(call)));

        admin.MapGet("/usage", Handler<UsageAdminEndpoints>("usage.query", static (e, call) => e.AggregateAsync(call)));
        admin.MapGet("/usage/export", Handler<UsageAdminEndpoints>("usage.export", static (e, call) => e.ExportAsync(call)));

        admin.MapGet("/audit/admin-actions", Handler<AuditAdminEndpoints>("audit.list", static (e, call) => e.ListAsync(call)));
        admin.MapGet("/audit/verify", Handler<AuditAdminEndpoints>("audit.verify", static (e, call) => e.VerifyAsync(call)));
        admin.MapGet("/audit/export", Handler<AuditAdminEndpoints>("audit.export", static (e, call) => e.ExportAsync(call)));

        admin.MapGet("/conversations", Handler<ConversationAdminEndpoints>("conversation.list", static (e, call) => e.ListAsync(call)));
        admin.MapGet("/conversations/export", Handler<ConversationAdminEndpoints>("conversation.export", static (e, call) => e.ExportAsync(call)));
        admin.MapDelete("/conversations/{id}", Handler<ConversationAdminEndpoints>("conversation.delete", static (e, call) => e.DeleteAsync(call)));
    }

    private static RequestDelegate Handler<TEndpoints>(string action, Func<TEndpoints, AdminCall, ValueTask<AdminResponse>> handle)
        where TEndpoints : notnull =>
        http =>
        {
            var services = http.RequestServices;
            var endpoints = services.GetRequiredService<TEndpoints>();
            return services.GetRequiredService<AdminActionRunner>().RunAsync(http, action, call => handle(endpoints, call));
        };
}
