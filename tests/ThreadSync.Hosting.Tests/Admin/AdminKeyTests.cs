using System.Net;
using System.Text.Json;
using ThreadSync.Gateway;

namespace ThreadSync.Hosting.Tests.Admin;

/// <summary>Keys through the admin API, checked against the inference endpoint: the secret works, rotation and revocation apply, policies restrict.</summary>
public sealed class AdminKeyTests(AdminServerFixture fixture) : IClassFixture<AdminServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private AdminServer Server => fixture.Server;

    [Fact]
    public async Task CreateKey_Returns201WithTheSecretOnce_AndTheSecretAuthenticatesChatCompletions()
    {
        await Server.CreateOrgAsync("keys-create");
        await Server.JsonAsync(HttpMethod.Post, "/admin/v1/teams", """{"id":"keys-create-team","org_id":"keys-create","name":"T"}""", HttpStatusCode.Created);

        var created = await Server.CreateKeyAsync("keys-create", ""","team_id":"keys-create-team","environment":"staging","tier":"FREE","limits":{"daily_usd":1.5}""");

        var secret = created.GetProperty("secret").GetString()!;
        var id = created.GetProperty("id").GetString()!;
        Assert.Matches("^tsg-[A-Za-z0-9]{43}$", secret);
        Assert.StartsWith("key_", id, StringComparison.Ordinal);
        Assert.Equal("key", created.GetProperty("object").GetString());
        Assert.Equal(secret[^4..], created.GetProperty("hint").GetString());
        Assert.Equal("keys-create-team", created.GetProperty("team_id").GetString());
        Assert.Equal("staging", created.GetProperty("environment").GetString());
        Assert.Equal("free", created.GetProperty("tier").GetString());
        Assert.Equal("active", created.GetProperty("status").GetString());
        Assert.Equal(1.5m, created.GetProperty("limits").GetProperty("daily_usd").GetDecimal());
        Assert.False(created.TryGetProperty("hash", out _));

        using var chat = await Server.ChatAsync(secret);
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);

        // The secret is never shown again.
        using var read = await Server.GetAsync($"/admin/v1/keys/{id}");
        using var list = await Server.GetAsync("/admin/v1/keys?org_id=keys-create");
        var readText = await read.Content.ReadAsStringAsync(Ct);
        var listText = await list.Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain(secret, readText, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", readText, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, listText, StringComparison.Ordinal);
        var listed = Assert.Single(JsonDocument.Parse(listText).RootElement.GetProperty("data").EnumerateArray());
        Assert.Equal(id, listed.GetProperty("id").GetString());
        var byTeam = await Server.JsonAsync(HttpMethod.Get, "/admin/v1/keys?org_id=keys-create&team_id=keys-create-team");
        Assert.Single(byTeam.GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task CreateKey_Refusals_NameTheField()
    {
        await Server.CreateOrgAsync("keys-refusals");
        await Server.CreateOrgAsync("keys-refusals-other");
        await Server.JsonAsync(HttpMethod.Post, "/admin/v1/teams", """{"id":"keys-refusals-other-team","org_id":"keys-refusals-other","name":"T"}""", HttpStatusCode.Created);

        using var unknownOrg = await Server.PostAsync("/admin/v1/keys", """{"org_id":"no-such-org","name":"k"}""");
        using var foreignTeam = await Server.PostAsync("/admin/v1/keys", """{"org_id":"keys-refusals","team_id":"keys-refusals-other-team","name":"k"}""");
        using var unknownTeam = await Server.PostAsync("/admin/v1/keys", """{"org_id":"keys-refusals","team_id":"no-such-team","name":"k"}""");
        using var unknownTier = await Server.PostAsync("/admin/v1/keys", """{"org_id":"keys-refusals","name":"k","tier":"platinum"}""");
        using var badAccess = await Server.PostAsync("/admin/v1/keys", """{"org_id":"keys-refusals","name":"k","access":{"allowed_models":[""]}}""");
        using var noName = await Server.PostAsync("/admin/v1/keys", """{"org_id":"keys-refusals"}""");
        using var idGiven = await Server.PostAsync("/admin/v1/keys", """{"id":"my-key","org_id":"keys-refusals","name":"k"}""");

        Assert.Equal("org_id", await ParamOf(unknownOrg));
        Assert.Equal("team_id", await ParamOf(foreignTeam));
        Assert.Equal("team_id", await ParamOf(unknownTeam));
        var tier = await AdminServer.ErrorAsync(unknownTier);
        Assert.Equal("tier", tier.Param);
        Assert.Contains("standard", tier.Message, StringComparison.Ordinal);
        Assert.Equal("access.allowed_models[0]", await ParamOf(badAccess));
        Assert.Equal("name", await ParamOf(noName));
        Assert.Equal("id", await ParamOf(idGiven));
        Assert.Empty((await Server.JsonAsync(HttpMethod.Get, "/admin/v1/keys?org_id=keys-refusals")).GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task UnknownKey_Is404_OnEveryKeyRoute()
    {
        using var get = await Server.GetAsync("/admin/v1/keys/key_nosuchkey");
        using var patch = await Server.PatchAsync("/admin/v1/keys/key_nosuchkey", """{"name":"x"}""");
        using var rotate = await Server.PostAsync("/admin/v1/keys/key_nosuchkey/rotate", null);
        using var revoke = await Server.PostAsync("/admin/v1/keys/key_nosuchkey/revoke", null);

        foreach (var response in new[] { get, patch, rotate, revoke })
        {
            Assert.Equal((HttpStatusCode.NotFound, GatewayErrorCodes.NotFound), Head(await AdminServer.ErrorAsync(response)));
        }
    }

    [Fact]
    public async Task PatchKey_AccessReplacesTheWholeObject_AndAppliesOnTheNextRequest()
    {
        await Server.CreateOrgAsync("keys-patch");
        var created = await Server.CreateKeyAsync("keys-patch", ""","limits":{"daily_tokens":100000}""");
        var (id, secret) = (created.GetProperty("id").GetString()!, created.GetProperty("secret").GetString()!);

        var restricted = await Server.JsonAsync(HttpMethod.Patch, $"/admin/v1/keys/{id}", """{"name":"renamed","access":{"allowed_models":["gpt-4o-mini"]},"environment":"prod"}""");
        using var refused = await Server.ChatAsync(secret, "gpt-4o");
        var reopened = await Server.JsonAsync(HttpMethod.Patch, $"/admin/v1/keys/{id}", """{"access":null,"environment":null,"tier":"unlimited"}""");
        using var allowed = await Server.ChatAsync(secret, "gpt-4o");

        Assert.Equal("renamed", restricted.GetProperty("name").GetString());
        Assert.Equal("prod", restricted.GetProperty("environment").GetString());
        Assert.Equal(100000, restricted.GetProperty("limits").GetProperty("daily_tokens").GetInt64());
        Assert.Equal("gpt-4o-mini", restricted.GetProperty("access").GetProperty("allowed_models")[0].GetString());
        var error = await AdminServer.ErrorAsync(refused);
        Assert.Equal((HttpStatusCode.Forbidden, GatewayErrorCodes.ModelNotAllowed), (error.Status, error.Code));
        Assert.Contains("allowed_models", error.Message, StringComparison.Ordinal);
        Assert.Empty(reopened.GetProperty("access").GetProperty("allowed_models").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, reopened.GetProperty("environment").ValueKind);
        Assert.Equal("unlimited", reopened.GetProperty("tier").GetString());
        Assert.Equal("renamed", reopened.GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task RotateKey_DefaultGrace_NewSecretWorks_AndTheOldOneStillWorks()
    {
        await Server.CreateOrgAsync("keys-rotate-grace");
        var created = await Server.CreateKeyAsync("keys-rotate-grace");
        var (id, oldSecret) = (created.GetProperty("id").GetString()!, created.GetProperty("secret").GetString()!);
        var before = DateTimeOffset.UtcNow;

        var rotated = await Server.JsonAsync(HttpMethod.Post, $"/admin/v1/keys/{id}/rotate");

        var newSecret = rotated.GetProperty("secret").GetString()!;
        Assert.NotEqual(oldSecret, newSecret);
        Assert.Equal(id, rotated.GetProperty("id").GetString());
        Assert.Equal(newSecret[^4..], rotated.GetProperty("hint").GetString());
        Assert.NotEqual(JsonValueKind.Null, rotated.GetProperty("rotated_at").ValueKind);

        // ThreadSync:Governance:RotationGracePeriod defaults to 24 hours.
        var expiresAt = rotated.GetProperty("previous_secret_expires_at").GetDateTimeOffset();
        Assert.InRange(expiresAt, before.AddHours(23), before.AddHours(25));
        using var withNew = await Server.ChatAsync(newSecret);
        using var withOld = await Server.ChatAsync(oldSecret);
        Assert.Equal(HttpStatusCode.OK, withNew.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withOld.StatusCode);
    }

    [Fact]
    public async Task RotateKey_GraceZero_RefusesTheOldSecretAt401()
    {
        await Server.CreateOrgAsync("keys-rotate-now");
        var created = await Server.CreateKeyAsync("keys-rotate-now");
        var (id, oldSecret) = (created.GetProperty("id").GetString()!, created.GetProperty("secret").GetString()!);

        var rotated = await Server.JsonAsync(HttpMethod.Post, $"/admin/v1/keys/{id}/rotate", """{"grace_period_seconds":0}""");

        using var withOld = await Server.ChatAsync(oldSecret);
        using var withNew = await Server.ChatAsync(rotated.GetProperty("secret").GetString()!);
        var error = await AdminServer.ErrorAsync(withOld);
        Assert.Equal((HttpStatusCode.Unauthorized, GatewayErrorCodes.InvalidApiKey), (error.Status, error.Code));
        Assert.Equal(HttpStatusCode.OK, withNew.StatusCode);
        using var badGrace = await Server.PostAsync($"/admin/v1/keys/{id}/rotate", """{"grace_period_seconds":-5}""");
        Assert.Equal("grace_period_seconds", (await AdminServer.ErrorAsync(badGrace)).Param);
    }

    [Fact]
    public async Task RevokeKey_RefusesTheNextRequest_AndCannotBeRotated()
    {
        await Server.CreateOrgAsync("keys-revoke");
        var created = await Server.CreateKeyAsync("keys-revoke");
        var (id, secret) = (created.GetProperty("id").GetString()!, created.GetProperty("secret").GetString()!);
        using var beforeRevoke = await Server.ChatAsync(secret);

        var revoked = await Server.JsonAsync(HttpMethod.Post, $"/admin/v1/keys/{id}/revoke");
        using var afterRevoke = await Server.ChatAsync(secret);
        var again = await Server.JsonAsync(HttpMethod.Post, $"/admin/v1/keys/{id}/revoke");
        using var rotate = await Server.PostAsync($"/admin/v1/keys/{id}/rotate", null);

        Assert.Equal(HttpStatusCode.OK, beforeRevoke.StatusCode);
        Assert.Equal("revoked", revoked.GetProperty("status").GetString());
        Assert.NotEqual(JsonValueKind.Null, revoked.GetProperty("revoked_at").ValueKind);
        var error = await AdminServer.ErrorAsync(afterRevoke);
        Assert.Equal((HttpStatusCode.Unauthorized, GatewayErrorCodes.InvalidApiKey), (error.Status, error.Code));
        Assert.Equal(revoked.GetProperty("revoked_at").GetString(), again.GetProperty("revoked_at").GetString());
        Assert.Equal((HttpStatusCode.Conflict, GatewayErrorCodes.Conflict), Head(await AdminServer.ErrorAsync(rotate)));
    }

    [Fact]
    public async Task OrgPolicy_RestrictingModels_Refuses403ModelNotAllowed_OnInference()
    {
        await Server.CreateOrgAsync("keys-org-policy");
        var secret = (await Server.CreateKeyAsync("keys-org-policy", ""","access":{"allowed_models":["gpt-4o*"]}""")).GetProperty("secret").GetString()!;
        using var beforePolicy = await Server.ChatAsync(secret, "gpt-4o");

        await Server.JsonAsync(HttpMethod.Put, "/admin/v1/orgs/keys-org-policy/policy", """{"access":{"denied_models":["gpt-4o"]}}""");
        using var denied = await Server.ChatAsync(secret, "gpt-4o");
        using var stillAllowed = await Server.ChatAsync(secret, "gpt-4o-mini");

        Assert.Equal(HttpStatusCode.OK, beforePolicy.StatusCode);
        var error = await AdminServer.ErrorAsync(denied);
        Assert.Equal((HttpStatusCode.Forbidden, GatewayErrorCodes.ModelNotAllowed), (error.Status, error.Code));
        Assert.Contains("org policy", error.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, stillAllowed.StatusCode);
    }

    private static async Task<string?> ParamOf(HttpResponseMessage response)
    {
        var error = await AdminServer.ErrorAsync(response);
        Assert.Equal(HttpStatusCode.BadRequest, error.Status);
        return error.Param;
    }

    private static (HttpStatusCode, string?) Head((HttpStatusCode Status, string? Code, string? Param, string Message) error) => (error.Status, error.Code);
}
