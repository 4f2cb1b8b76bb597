using System.Net;
using System.Text.Json;
using ThreadSync.Gateway;

namespace ThreadSync.Hosting.Tests.Admin;

/// <summary>Every admin action after authentication, success or refusal, lands in the admin audit trail, without secrets.</summary>
public sealed class AdminAuditTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AdminActions_AreRecorded_WithActorTargetStatusAndDetails_NeverSecrets()
    {
        await using var server = await AdminServer.StartAsync();
        await server.CreateOrgAsync("audit-acme", ""","limits":{"daily_usd":2.5}""");
        using var conflict = await server.PostAsync("/admin/v1/orgs", """{"id":"audit-acme","name":"again"}""");
        var created = await server.CreateKeyAsync("audit-acme");
        var keyId = created.GetProperty("id").GetString()!;
        var rotated = await server.JsonAsync(HttpMethod.Post, $"/admin/v1/keys/{keyId}/rotate", """{"grace_period_seconds":60}""");
        await server.JsonAsync(HttpMethod.Post, $"/admin/v1/keys/{keyId}/revoke");
        using var unauthenticated = await server.GetAsync("/admin/v1/orgs", key: "not-the-admin-key-at-all");
        using var export = await server.GetAsync("/admin/v1/usage/export?org_id=audit-acme");

        using var response = await server.GetAsync("/admin/v1/audit/admin-actions?limit=50");
        var text = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(created.GetProperty("secret").GetString()!, text, StringComparison.Ordinal);
        Assert.DoesNotContain(rotated.GetProperty("secret").GetString()!, text, StringComparison.Ordinal);
        Assert.DoesNotContain(AdminServer.AdminKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-admin-key-at-all", text, StringComparison.Ordinal);
        var entries = JsonDocument.Parse(text).RootElement.GetProperty("data").EnumerateArray().ToList();

        // Newest first; the 401 is not an admin action.
        Assert.Equal(
            new[] { "usage.export", "key.revoke", "key.rotate", "key.create", "org.create", "org.create" },
            entries.Select(e => e.GetProperty("action").GetString()));
        Assert.All(entries, e => Assert.Equal("admin:configured-key", e.GetProperty("actor").GetString()));
        Assert.All(entries, e => Assert.False(string.IsNullOrEmpty(e.GetProperty("correlation_id").GetString())));

        var orgCreate = entries[^1];
        Assert.Equal("audit-acme", orgCreate.GetProperty("target_id").GetString());
        Assert.Equal(201, orgCreate.GetProperty("status_code").GetInt32());
        Assert.Equal(2.5m, orgCreate.GetProperty("details").GetProperty("limits").GetProperty("daily_usd").GetDecimal());

        var refused = entries[^2];
        Assert.Equal(409, refused.GetProperty("status_code").GetInt32());
        Assert.Equal(GatewayErrorCodes.Conflict, refused.GetProperty("details").GetProperty("error").GetString());
        Assert.Equal(TestHttp.Header(conflict, "x-request-id"), refused.GetProperty("correlation_id").GetString());

        var keyCreate = entries[^3];
        Assert.Equal(keyId, keyCreate.GetProperty("target_id").GetString());
        Assert.Equal("audit-acme", keyCreate.GetProperty("details").GetProperty("org_id").GetString());

        var rotate = entries[^4];
        Assert.Equal(keyId, rotate.GetProperty("target_id").GetString());
        Assert.Equal(60, rotate.GetProperty("details").GetProperty("grace_period_seconds").GetInt64());
        Assert.Equal(rotated.GetProperty("previous_secret_expires_at").GetString(), rotate.GetProperty("details").GetProperty("previous_secret_expires_at").GetString());

        Assert.Equal("audit-acme", entries[0].GetProperty("target_id").GetString());
        Assert.Equal("jsonl", entries[0].GetProperty("details").GetProperty("format").GetString());
    }

    [Fact]
    public async Task AuditList_HonoursTheLimit_AndRefusesABadOne()
    {
        await using var server = await AdminServer.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            await server.CreateOrgAsync($"audit-limit-{i}");
        }

        var two = await server.JsonAsync(HttpMethod.Get, "/admin/v1/audit/admin-actions?limit=2");
        using var zero = await server.GetAsync("/admin/v1/audit/admin-actions?limit=0");
        using var tooMany = await server.GetAsync("/admin/v1/audit/admin-actions?limit=1001");

        Assert.Equal(new[] { "audit-limit-2", "audit-limit-1" }, two.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("target_id").GetString()));
        Assert.Equal("limit", (await AdminServer.ErrorAsync(zero)).Param);
        Assert.Equal("limit", (await AdminServer.ErrorAsync(tooMany)).Param);
    }
}
