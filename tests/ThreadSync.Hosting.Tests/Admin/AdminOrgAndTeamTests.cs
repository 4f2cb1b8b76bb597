using System.Net;
using System.Text.Json;
using ThreadSync.Gateway;

namespace ThreadSync.Hosting.Tests.Admin;

/// <summary>Orgs, org policies and teams through the admin API: shapes, replace semantics, 404, 409 and 400s naming the field.</summary>
public sealed class AdminOrgAndTeamTests(AdminServerFixture fixture) : IClassFixture<AdminServerFixture>
{
    private AdminServer Server => fixture.Server;

    [Fact]
    public async Task CreateOrg_Returns201_AndGetAndListShowIt()
    {
        var created = await Server.CreateOrgAsync("org-create", ""","limits":{"daily_usd":12.345678901,"requests_per_hour":100}""");

        Assert.Equal("org", created.GetProperty("object").GetString());
        Assert.Equal("org-create", created.GetProperty("id").GetString());
        Assert.Equal("Org org-create", created.GetProperty("name").GetString());
        var limits = created.GetProperty("limits");
        Assert.Equal("12.345678901", limits.GetProperty("daily_usd").GetRawText());
        Assert.Equal(100, limits.GetProperty("requests_per_hour").GetInt64());
        Assert.Equal(JsonValueKind.Null, limits.GetProperty("monthly_usd").ValueKind);
        Assert.True(created.GetProperty("created_at").GetDateTimeOffset() > DateTimeOffset.UnixEpoch);
        Assert.EndsWith("Z", created.GetProperty("created_at").GetString(), StringComparison.Ordinal);
        Assert.Empty(created.GetProperty("policy").GetProperty("access").GetProperty("allowed_models").EnumerateArray());

        var read = await Server.JsonAsync(HttpMethod.Get, "/admin/v1/orgs/org-create");
        var list = await Server.JsonAsync(HttpMethod.Get, "/admin/v1/orgs");

        Assert.Equal(created.GetRawText(), read.GetRawText());
        Assert.Equal("list", list.GetProperty("object").GetString());
        Assert.Contains(list.GetProperty("data").EnumerateArray(), o => o.GetProperty("id").GetString() == "org-create");
    }

    [Fact]
    public async Task CreateOrg_WithoutId_GetsAGeneratedId()
    {
        var created = await Server.JsonAsync(HttpMethod.Post, "/admin/v1/orgs", """{"name":"Anonymous"}""", HttpStatusCode.Created);

        var id = created.GetProperty("id").GetString()!;
        Assert.StartsWith("org_", id, StringComparison.Ordinal);
        Assert.Matches("^[a-z0-9_-]{1,64}$", id);
    }

    [Fact]
    public async Task CreateOrg_ExistingId_Is409Conflict()
    {
        await Server.CreateOrgAsync("org-dup");

        using var response = await Server.PostAsync("/admin/v1/orgs", """{"id":"org-dup","name":"Again"}""");

        var error = await AdminServer.ErrorAsync(response);
        Assert.Equal(HttpStatusCode.Conflict, error.Status);
        Assert.Equal(GatewayErrorCodes.Conflict, error.Code);
        Assert.Equal("id", error.Param);
        Assert.Equal("Org org-dup", (await Server.JsonAsync(HttpMethod.Get, "/admin/v1/orgs/org-dup")).GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("""{"id":"Not An Id","name":"x"}""", "id", GatewayErrorCodes.InvalidParameter)]
    [InlineData("""{"id":"org-bad-1"}""", "name", GatewayErrorCodes.MissingParameter)]
    [InlineData("""{"id":"org-bad-2","name":"   "}""", "name", GatewayErrorCodes.InvalidParameter)]
    [InlineData("""{"id":"org-bad-3","name":"x","limits":{"daily_usd":-1}}""", "limits.daily_usd", GatewayErrorCodes.InvalidParameter)]
    [InlineData("""{"id":"org-bad-4","name":"x","limits":{"requests_per_hour":1.5}}""", "limits.requests_per_hour", GatewayErrorCodes.InvalidParameter)]
    [InlineData("""{"id":"org-bad-5","name":"x","limits":{"daily_budget":5}}""", "limits.daily_budget", GatewayErrorCodes.InvalidParameter)]
    [InlineData("""{"id":"org-bad-6","nmae":"x"}""", "nmae", GatewayErrorCodes.InvalidParameter)]
    [InlineData("""{"id":"org-bad-7","name":"x","policy":{"access":{"allowed_providers":["opneai"]}}}""", "policy.access.allowed_providers[0]", GatewayErrorCodes.InvalidParameter)]
    [InlineData("""{"id":"org-bad-8","name":"x","policy":{"access":{"allowed_models":"gpt-4o"}}}""", "policy.access.allowed_models", GatewayErrorCodes.InvalidParameter)]
    [InlineData("""{"id":"org-bad-9","name":"x","limits":[]}""", "limits", GatewayErrorCodes.InvalidParameter)]
    public async Task CreateOrg_BadInput_Is400NamingTheField(string body, string param, string code)
    {
        using var response = await Server.PostAsync("/admin/v1/orgs", body);

        var error = await AdminServer.ErrorAsync(response);
        Assert.Equal(HttpStatusCode.BadRequest, error.Status);
        Assert.Equal(code, error.Code);
        Assert.Equal(param, error.Param);
    }

    [Fact]
    public async Task CreateOrg_MalformedBody_Is400InvalidJson()
    {
        using var malformed = await Server.PostAsync("/admin/v1/orgs", """{"id":""");
        using var array = await Server.PostAsync("/admin/v1/orgs", "[]");

        Assert.Equal(GatewayErrorCodes.InvalidJson, (await AdminServer.ErrorAsync(malformed)).Code);
        Assert.Equal(GatewayErrorCodes.InvalidJson, (await AdminServer.ErrorAsync(array)).Code);
    }

    [Fact]
    public async Task UnknownOrg_Is404()
    {
        using var get = await Server.GetAsync("/admin/v1/orgs/no-such-org");
        using var patch = await Server.PatchAsync("/admin/v1/orgs/no-such-org", """{"name":"x"}""");
        using var policy = await Server.GetAsync("/admin/v1/orgs/no-such-org/policy");
        using var invalidId = await Server.GetAsync("/admin/v1/orgs/NOT%20VALID");

        foreach (var response in new[] { get, patch, policy, invalidId })
        {
            var error = await AdminServer.ErrorAsync(response);
            Assert.Equal(HttpStatusCode.NotFound, error.Status);
            Assert.Equal(GatewayErrorCodes.NotFound, error.Code);
        }
    }

    [Fact]
    public async Task PatchOrg_ReplacesTheWholeLimitsObject_AndKeepsWhatIsAbsent()
    {
        await Server.CreateOrgAsync("org-patch", ""","limits":{"daily_usd":5,"monthly_tokens":1000}""");

        var renamed = await Server.JsonAsync(HttpMethod.Patch, "/admin/v1/orgs/org-patch", """{"name":"Renamed"}""");
        var relimited = await Server.JsonAsync(HttpMethod.Patch, "/admin/v1/orgs/org-patch", """{"limits":{"monthly_usd":0.1}}""");
        var cleared = await Server.JsonAsync(HttpMethod.Patch, "/admin/v1/orgs/org-patch", """{"limits":null}""");

        Assert.Equal("Renamed", renamed.GetProperty("name").GetString());
        Assert.Equal(5m, renamed.GetProperty("limits").GetProperty("daily_usd").GetDecimal());
        Assert.Equal("Renamed", relimited.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, relimited.GetProperty("limits").GetProperty("daily_usd").ValueKind);
        Assert.Equal(JsonValueKind.Null, relimited.GetProperty("limits").GetProperty("monthly_tokens").ValueKind);
        Assert.Equal("0.1", relimited.GetProperty("limits").GetProperty("monthly_usd").GetRawText());
        Assert.All(cleared.GetProperty("limits").EnumerateObject(), l => Assert.Equal(JsonValueKind.Null, l.Value.ValueKind));
        using var policyInPatch = await Server.PatchAsync("/admin/v1/orgs/org-patch", """{"policy":{}}""");
        Assert.Equal("policy", (await AdminServer.ErrorAsync(policyInPatch)).Param);
    }

    [Fact]
    public async Task OrgPolicy_PutReplacesIt_AndGetReadsIt()
    {
        await Server.CreateOrgAsync("org-policy", ""","policy":{"key_limit_caps":{"daily_usd":3}}""");

        var put = await Server.JsonAsync(HttpMethod.Put, "/admin/v1/orgs/org-policy/policy", """
            {"access":{"allowed_providers":["openai"],"allowed_models":["gpt-4o*"],"denied_models":["gpt-4o-mini"]},
             "key_limit_caps":{"requests_per_hour":50}}
            """);
        var read = await Server.JsonAsync(HttpMethod.Get, "/admin/v1/orgs/org-policy/policy");
        var org = await Server.JsonAsync(HttpMethod.Get, "/admin/v1/orgs/org-policy");

        Assert.Equal(put.GetRawText(), read.GetRawText());
        Assert.Equal(read.GetRawText(), org.GetProperty("policy").GetRawText());
        Assert.Equal("openai", read.GetProperty("access").GetProperty("allowed_providers")[0].GetString());
        Assert.Equal("gpt-4o-mini", read.GetProperty("access").GetProperty("denied_models")[0].GetString());
        Assert.Equal(50, read.GetProperty("key_limit_caps").GetProperty("requests_per_hour").GetInt64());

        // PUT replaces: the earlier daily_usd cap is gone.
        Assert.Equal(JsonValueKind.Null, read.GetProperty("key_limit_caps").GetProperty("daily_usd").ValueKind);
    }

    [Fact]
    public async Task Teams_CreateListGetPatch()
    {
        await Server.CreateOrgAsync("org-teams");
        await Server.CreateOrgAsync("org-teams-other");

        var created = await Server.JsonAsync(HttpMethod.Post, "/admin/v1/teams", """{"id":"team-a","org_id":"org-teams","name":"A","limits":{"daily_tokens":1000}}""", HttpStatusCode.Created);
        var generated = await Server.JsonAsync(HttpMethod.Post, "/admin/v1/teams", """{"org_id":"org-teams","name":"B"}""", HttpStatusCode.Created);
        await Server.JsonAsync(HttpMethod.Post, "/admin/v1/teams", """{"id":"team-other","org_id":"org-teams-other","name":"C"}""", HttpStatusCode.Created);
        var list = await Server.JsonAsync(HttpMethod.Get, "/admin/v1/teams?org_id=org-teams");
        var patched = await Server.JsonAsync(HttpMethod.Patch, "/admin/v1/teams/team-a", """{"name":"A2","limits":{"monthly_usd":9.99}}""");
        var read = await Server.JsonAsync(HttpMethod.Get, "/admin/v1/teams/team-a");

        Assert.Equal("team", created.GetProperty("object").GetString());
        Assert.Equal("org-teams", created.GetProperty("org_id").GetString());
        Assert.Equal(1000, created.GetProperty("limits").GetProperty("daily_tokens").GetInt64());
        Assert.StartsWith("team_", generated.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal(new[] { "team-a", generated.GetProperty("id").GetString() }, list.GetProperty("data").EnumerateArray().Select(t => t.GetProperty("id").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal("A2", patched.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, patched.GetProperty("limits").GetProperty("daily_tokens").ValueKind);
        Assert.Equal("9.99", patched.GetProperty("limits").GetProperty("monthly_usd").GetRawText());
        Assert.Equal(patched.GetRawText(), read.GetRawText());
    }

    [Fact]
    public async Task Teams_Refusals_404_409_400()
    {
        await Server.CreateOrgAsync("org-team-refusals");
        await Server.JsonAsync(HttpMethod.Post, "/admin/v1/teams", """{"id":"team-dup","org_id":"org-team-refusals","name":"A"}""", HttpStatusCode.Created);

        using var duplicate = await Server.PostAsync("/admin/v1/teams", """{"id":"team-dup","org_id":"org-team-refusals","name":"B"}""");
        using var unknownOrg = await Server.PostAsync("/admin/v1/teams", """{"id":"team-x","org_id":"no-such-org","name":"B"}""");
        using var missingOrg = await Server.PostAsync("/admin/v1/teams", """{"name":"B"}""");
        using var unknownTeam = await Server.GetAsync("/admin/v1/teams/no-such-team");
        using var patchUnknown = await Server.PatchAsync("/admin/v1/teams/no-such-team", """{"name":"x"}""");
        using var badFilter = await Server.GetAsync("/admin/v1/teams?org_id=Bad%20Id");

        Assert.Equal((HttpStatusCode.Conflict, GatewayErrorCodes.Conflict, "id"), Head(await AdminServer.ErrorAsync(duplicate)));
        Assert.Equal((HttpStatusCode.BadRequest, GatewayErrorCodes.InvalidParameter, "org_id"), Head(await AdminServer.ErrorAsync(unknownOrg)));
        Assert.Equal((HttpStatusCode.BadRequest, GatewayErrorCodes.MissingParameter, "org_id"), Head(await AdminServer.ErrorAsync(missingOrg)));
        Assert.Equal(HttpStatusCode.NotFound, (await AdminServer.ErrorAsync(unknownTeam)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await AdminServer.ErrorAsync(patchUnknown)).Status);
        Assert.Equal((HttpStatusCode.BadRequest, GatewayErrorCodes.InvalidParameter, "org_id"), Head(await AdminServer.ErrorAsync(badFilter)));
    }

    private static (HttpStatusCode, string?, string?) Head((HttpStatusCode Status, string? Code, string? Param, string Message) error) => (error.Status, error.Code, error.Param);
}
