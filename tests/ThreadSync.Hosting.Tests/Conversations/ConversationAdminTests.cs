using System.Net;
using System.Text.Json;
using ThreadSync.Gateway;
using ThreadSync.Gateway.Storage;
using ThreadSync.Hosting.Tests.Admin;

namespace ThreadSync.Hosting.Tests.Conversations;

/// <summary><c>/admin/v1/conversations</c>: the JSON Lines export of one org, the admin listing and deletion, behind the admin key and audited.</summary>
public sealed class ConversationAdminTests(AdminServerFixture fixture) : IClassFixture<AdminServerFixture>
{
    private AdminServer Server => fixture.Server;

    private ConversationHttp Api => new(Server);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Export_WritesOneJsonLinePerConversationOfTheOrg_WithItsTurns()
    {
        var keys = await Api.OrgWithKeysAsync("export-org", "full", 2);
        var other = (await Api.OrgWithKeysAsync("export-other", "full", 1))[0].Secret;
        var withTurns = await Api.CreateAsync(keys[0].Secret, "First");
        var empty = await Api.CreateAsync(keys[1].Secret);
        var foreign = await Api.CreateAsync(other, "Not exported");
        var at = DateTimeOffset.UtcNow;
        Assert.True(await Server.Stores.Conversations.AppendTurnsAsync(
            withTurns,
            0,
            [new ConversationTurn { Role = "user", Content = "line one\nline two", CorrelationId = "req-9", At = at }, new ConversationTurn { Role = "assistant", Content = "ok", Model = "gpt-4o", At = at }],
            Ct));
        Assert.True(await Server.Stores.Conversations.AppendTurnsAsync(foreign, 0, [new ConversationTurn { Role = "user", Content = "other org", At = at }], Ct));

        using var response = await Server.GetAsync("/admin/v1/conversations/export?org_id=export-org");
        var text = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(static l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(2, lines.Length);
        Assert.Equal(new[] { withTurns, empty }.Order(StringComparer.Ordinal), lines.Select(l => l.GetProperty("id").GetString()!));
        Assert.All(lines, l => Assert.Equal("export-org", l.GetProperty("org_id").GetString()));
        Assert.All(lines, l => Assert.Equal("conversation", l.GetProperty("object").GetString()));
        var first = lines.Single(l => l.GetProperty("id").GetString() == withTurns);
        Assert.Equal(keys[0].Id, first.GetProperty("owner").GetString());
        Assert.Equal(2, first.GetProperty("turn_count").GetInt64());
        var turns = first.GetProperty("turns").EnumerateArray().ToArray();
        Assert.Equal(["line one\nline two", "ok"], turns.Select(t => t.GetProperty("content").GetString()));
        Assert.Equal("req-9", turns[0].GetProperty("request_id").GetString());
        Assert.Empty(lines.Single(l => l.GetProperty("id").GetString() == empty).GetProperty("turns").EnumerateArray());
        Assert.DoesNotContain(foreign, text, StringComparison.Ordinal);
        Assert.DoesNotContain("other org", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_NeedsAnExistingOrg_AndTheAdminKey()
    {
        var secret = (await Api.OrgWithKeysAsync("export-auth", "full", 1))[0].Secret;
        await Api.CreateAsync(secret, "Do not leak");

        using var missing = await Server.GetAsync("/admin/v1/conversations/export");
        using var badId = await Server.GetAsync("/admin/v1/conversations/export?org_id=Bad%20Org");
        using var unknown = await Server.GetAsync("/admin/v1/conversations/export?org_id=no-such-org");
        using var anonymous = await Server.GetAsync("/admin/v1/conversations/export?org_id=export-auth", key: null);
        using var userKey = await Server.GetAsync("/admin/v1/conversations/export?org_id=export-auth", key: secret);
        using var adminList = await Server.GetAsync("/admin/v1/conversations?org_id=export-auth", key: secret);
        using var adminDelete = await Server.SendAsync(HttpMethod.Delete, "/admin/v1/conversations/conv_x", key: secret);

        Assert.Equal((HttpStatusCode.BadRequest, GatewayErrorCodes.MissingParameter, "org_id"), Head(await AdminServer.ErrorAsync(missing)));
        Assert.Equal((HttpStatusCode.BadRequest, GatewayErrorCodes.InvalidParameter, "org_id"), Head(await AdminServer.ErrorAsync(badId)));
        Assert.Equal(HttpStatusCode.NotFound, (await AdminServer.ErrorAsync(unknown)).Status);
        foreach (var refused in new[] { anonymous, userKey, adminList, adminDelete })
        {
            var text = await refused.Content.ReadAsStringAsync(Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.DoesNotContain("Do not leak", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task List_FiltersByOrgAndSubject_AndPages()
    {
        var keys = await Api.OrgWithKeysAsync("admin-list", "full", 2);
        var other = (await Api.OrgWithKeysAsync("admin-list-other", "full", 1))[0].Secret;
        var a1 = await Api.CreateAsync(keys[0].Secret);
        var a2 = await Api.CreateAsync(keys[0].Secret);
        var b1 = await Api.CreateAsync(keys[1].Secret);
        await Api.CreateAsync(other);

        var all = await Server.JsonAsync(HttpMethod.Get, "/admin/v1/conversations?org_id=admin-list");
        var ofA = await Server.JsonAsync(HttpMethod.Get, $"/admin/v1/conversations?org_id=admin-list&subject_id={keys[0].Id}");
        var page = await Server.JsonAsync(HttpMethod.Get, "/admin/v1/conversations?org_id=admin-list&limit=2");
        var rest = await Server.JsonAsync(HttpMethod.Get, "/admin/v1/conversations?org_id=admin-list&limit=2&after=" + Uri.EscapeDataString(page.GetProperty("next_after").GetString()!));
        using var noOrg = await Server.GetAsync("/admin/v1/conversations");

        Assert.Equal(new[] { a1, a2, b1 }.Order(), Ids(all).Order());
        Assert.All(all.GetProperty("data").EnumerateArray(), c => Assert.Equal("admin-list", c.GetProperty("org_id").GetString()));
        Assert.Equal(new[] { a1, a2 }.Order(), Ids(ofA).Order());
        Assert.True(page.GetProperty("has_more").GetBoolean());
        Assert.False(rest.GetProperty("has_more").GetBoolean());
        Assert.Equal(Ids(all), Ids(page).Concat(Ids(rest)));
        Assert.Equal((HttpStatusCode.BadRequest, GatewayErrorCodes.MissingParameter, "org_id"), Head(await AdminServer.ErrorAsync(noOrg)));
    }

    [Fact]
    public async Task Delete_RemovesAnyonesConversation_IsAudited_And404sWhenMissing()
    {
        var secret = (await Api.OrgWithKeysAsync("admin-delete", "full", 1))[0].Secret;
        var id = await Api.CreateAsync(secret);
        Assert.True(await Server.Stores.Conversations.AppendTurnsAsync(id, 0, [new ConversationTurn { Role = "user", Content = "erase me", At = DateTimeOffset.UtcNow }], Ct));

        var deleted = await Server.JsonAsync(HttpMethod.Delete, $"/admin/v1/conversations/{id}");
        using var again = await Server.SendAsync(HttpMethod.Delete, $"/admin/v1/conversations/{id}");
        var userView = await Api.ErrorAsync(HttpMethod.Get, $"/v1/conversations/{id}", secret);
        var audit = await Server.JsonAsync(HttpMethod.Get, "/admin/v1/audit/admin-actions?limit=50");

        Assert.Equal((id, "conversation.deleted", true), (deleted.GetProperty("id").GetString(), deleted.GetProperty("object").GetString(), deleted.GetProperty("deleted").GetBoolean()));
        Assert.Equal(HttpStatusCode.NotFound, (await AdminServer.ErrorAsync(again)).Status);
        Assert.Equal(GatewayErrorCodes.ConversationNotFound, userView.Code);
        Assert.Empty(await Server.Stores.Conversations.ListTurnsAsync(id, 0, Ct));
        var records = audit.GetProperty("data").EnumerateArray().Where(r => r.GetProperty("target_id").GetString() == id).ToArray();
        Assert.Equal([404, 200], records.Where(r => r.GetProperty("action").GetString() == "conversation.delete").Select(r => r.GetProperty("status_code").GetInt32()));
        Assert.Contains(records, r => r.GetProperty("details").TryGetProperty("org_id", out var org) && org.GetString() == "admin-delete");
    }

    private static string[] Ids(JsonElement list) => [.. list.GetProperty("data").EnumerateArray().Select(static c => c.GetProperty("id").GetString()!)];

    private static (HttpStatusCode, string?, string?) Head((HttpStatusCode Status, string? Code, string? Param, string Message) error) => (error.Status, error.Code, error.Param);
}
