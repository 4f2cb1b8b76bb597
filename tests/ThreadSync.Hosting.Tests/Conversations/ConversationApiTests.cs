using System.Net;
using System.Text.Json;
using ThreadSync.Gateway;
using ThreadSync.Gateway.Storage;
using ThreadSync.Hosting.Tests.Admin;

namespace ThreadSync.Hosting.Tests.Conversations;

/// <summary><c>/v1/conversations</c> over HTTP on SQLite: shapes, the org switch, ownership and visibility, paging, deletion.</summary>
public sealed class ConversationApiTests(AdminServerFixture fixture) : IClassFixture<AdminServerFixture>
{
    private AdminServer Server => fixture.Server;

    private ConversationHttp Api => new(Server);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_Returns201_WithAVersion7Id_OwnedByTheKey()
    {
        var (keyId, secret) = (await Api.OrgWithKeysAsync("conv-create", "full", 1))[0];
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var created = await Api.JsonAsync(HttpMethod.Post, "/v1/conversations", secret, """{"title":"  Trip planning  "}""", HttpStatusCode.Created);
        var untitled = await Api.JsonAsync(HttpMethod.Post, "/v1/conversations", secret, expected: HttpStatusCode.Created);
        var read = await Api.JsonAsync(HttpMethod.Get, $"/v1/conversations/{created.GetProperty("id").GetString()}", secret);

        var id = created.GetProperty("id").GetString()!;
        Assert.Matches("^conv_[0-9a-f]{32}$", id);
        Assert.Equal(7, Guid.ParseExact(id["conv_".Length..], "N").Version);
        Assert.NotEqual(id, untitled.GetProperty("id").GetString());
        Assert.Equal("conversation", created.GetProperty("object").GetString());
        Assert.Equal("Trip planning", created.GetProperty("title").GetString());
        Assert.Equal(JsonValueKind.Null, untitled.GetProperty("title").ValueKind);
        Assert.False(created.GetProperty("shared").GetBoolean());
        Assert.Equal(keyId, created.GetProperty("owner").GetString());
        Assert.InRange(created.GetProperty("created_at").GetInt64(), before, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.Equal(created.GetProperty("created_at").GetInt64(), created.GetProperty("updated_at").GetInt64());
        Assert.Equal(0, created.GetProperty("turn_count").GetInt64());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("summary").ValueKind);
        Assert.Equal(-1, created.GetProperty("summary_through").GetInt64());
        Assert.Empty(read.GetProperty("turns").EnumerateArray());

        var stored = await Server.Stores.Conversations.GetAsync(id, Ct);
        Assert.NotNull(stored);
        Assert.Equal(("conv-create", keyId), (stored.OrgId, stored.SubjectId));
    }

    [Fact]
    public async Task Create_WhenTheOrgCapturesNothing_Is403ConversationsDisabled_AndMetadataOrDefaultCaptureAllowsIt()
    {
        var off = (await Api.OrgWithKeysAsync("conv-off", "off", 1))[0].Secret;
        var byDefault = (await Api.OrgWithKeysAsync("conv-default", capture: null, 1))[0].Secret;
        var metadata = (await Api.OrgWithKeysAsync("conv-metadata", "metadata", 1))[0].Secret;

        var refused = await Api.ErrorAsync(HttpMethod.Post, "/v1/conversations", off);
        var refusedToo = await Api.ErrorAsync(HttpMethod.Post, "/v1/conversations", off, """{"title":"x"}""");
        await Api.CreateAsync(metadata);
        await Api.CreateAsync(byDefault);

        Assert.Equal((HttpStatusCode.Forbidden, GatewayErrorCodes.ConversationsDisabled), (refused.Status, refused.Code));
        Assert.Contains("conversation_capture", refused.Message, StringComparison.Ordinal);
        Assert.Contains("admin", refused.Message, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.Forbidden, GatewayErrorCodes.ConversationsDisabled), (refusedToo.Status, refusedToo.Code));
        Assert.Empty(await Api.IdsAsync("/v1/conversations", off));
    }

    [Theory]
    [InlineData("""{"titel":"x"}""", "titel")]
    [InlineData("""{"title":5}""", "title")]
    [InlineData("""{"title":""}""", "title")]
    [InlineData("""{"title":"x","shared":true}""", "shared")]
    public async Task Create_WithABadBody_Is400NamingTheField(string body, string param)
    {
        var secret = (await Api.OrgWithKeysAsync("conv-bad-" + Guid.NewGuid().ToString("N")[..8], "full", 1))[0].Secret;

        var error = await Api.ErrorAsync(HttpMethod.Post, "/v1/conversations", secret, body);

        Assert.Equal((HttpStatusCode.BadRequest, GatewayErrorCodes.InvalidParameter, param), (error.Status, error.Code, error.Param));
        Assert.Empty(await Api.IdsAsync("/v1/conversations", secret));
    }

    [Fact]
    public async Task Create_WithATitleOver200Characters_Is400()
    {
        var secret = (await Api.OrgWithKeysAsync("conv-long-title", "full", 1))[0].Secret;

        var error = await Api.ErrorAsync(HttpMethod.Post, "/v1/conversations", secret, $$"""{"title":"{{new string('t', 201)}}"}""");
        await Api.CreateAsync(secret, new string('t', 200));

        Assert.Equal((HttpStatusCode.BadRequest, "title"), (error.Status, error.Param));
        Assert.Single(await Api.IdsAsync("/v1/conversations", secret));
    }

    [Fact]
    public async Task Endpoints_RequireAValidApiKey()
    {
        using var none = await Server.SendAsync(HttpMethod.Get, "/v1/conversations", key: null);
        using var wrong = await Server.SendAsync(HttpMethod.Post, "/v1/conversations", key: "tsg-not-a-key-000000000000000000000000000000");
        using var admin = await Server.SendAsync(HttpMethod.Get, "/v1/conversations/conv_x", key: AdminServer.AdminKey);

        Assert.Equal((HttpStatusCode.Unauthorized, GatewayErrorCodes.MissingApiKey), Head(await AdminServer.ErrorAsync(none)));
        Assert.Equal((HttpStatusCode.Unauthorized, GatewayErrorCodes.InvalidApiKey), Head(await AdminServer.ErrorAsync(wrong)));
        Assert.Equal((HttpStatusCode.Unauthorized, GatewayErrorCodes.InvalidApiKey), Head(await AdminServer.ErrorAsync(admin)));
    }

    [Fact]
    public async Task List_ShowsTheCallersOwn_OrTheOrgsShared_NeverAnotherOrgs()
    {
        var keys = await Api.OrgWithKeysAsync("conv-list", "full", 2);
        var (a, b) = (keys[0].Secret, keys[1].Secret);
        var other = (await Api.OrgWithKeysAsync("conv-list-other", "full", 1))[0].Secret;
        var a1 = await Api.CreateAsync(a, "a1");
        var a2 = await Api.CreateAsync(a, "a2");
        var b1 = await Api.CreateAsync(b, "b1");
        var o1 = await Api.CreateAsync(other, "o1");
        await Api.JsonAsync(HttpMethod.Patch, $"/v1/conversations/{a2}", a, """{"shared":true}""");
        await Api.JsonAsync(HttpMethod.Patch, $"/v1/conversations/{o1}", other, """{"shared":true}""");

        var listA = await Api.JsonAsync(HttpMethod.Get, "/v1/conversations", a);

        Assert.Equal("list", listA.GetProperty("object").GetString());
        Assert.False(listA.GetProperty("has_more").GetBoolean());
        Assert.Equal(JsonValueKind.Null, listA.GetProperty("next_after").ValueKind);
        Assert.Equal(new[] { a1, a2 }.Order(), listA.GetProperty("data").EnumerateArray().Select(c => c.GetProperty("id").GetString()).Order());
        Assert.Equal([b1], await Api.IdsAsync("/v1/conversations", b));
        Assert.Equal([b1], await Api.IdsAsync("/v1/conversations?shared=false", b));
        Assert.Equal([a2], await Api.IdsAsync("/v1/conversations?shared=true", b));
        Assert.Equal([a2], await Api.IdsAsync("/v1/conversations?shared=TRUE", a));
        Assert.Equal([o1], await Api.IdsAsync("/v1/conversations?shared=true", other));
        Assert.Equal([o1], await Api.IdsAsync("/v1/conversations", other));
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("after=not-a-cursor!", "after")]
    [InlineData("after=bm90LWEtY3Vyc29y", "after")]
    [InlineData("shared=yes", "shared")]
    [InlineData("limit=5&limit=6", "limit")]
    public async Task List_WithABadQuery_Is400NamingTheParameter(string query, string param)
    {
        var secret = (await Api.OrgWithKeysAsync("conv-q-" + Guid.NewGuid().ToString("N")[..8], "full", 1))[0].Secret;

        var error = await Api.ErrorAsync(HttpMethod.Get, "/v1/conversations?" + query, secret);

        Assert.Equal((HttpStatusCode.BadRequest, GatewayErrorCodes.InvalidParameter, param), (error.Status, error.Code, error.Param));
    }

    [Fact]
    public async Task List_PagesWithLimitAndAfter_NewestFirst_WithoutGapsOrRepeats()
    {
        var secret = (await Api.OrgWithKeysAsync("conv-paging", "full", 1))[0].Secret;
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await Api.CreateAsync(secret, $"c{i}"));
        }

        // The latest activity first: the conversation with a new turn leads.
        await Server.Stores.Conversations.AppendTurnsAsync(ids[1], 0, [new ConversationTurn { Role = "user", Content = "hi", At = DateTimeOffset.UtcNow }], Ct);
        var all = await Api.IdsAsync("/v1/conversations?limit=100", secret);
        var pages = new List<JsonElement>();
        var path = "/v1/conversations?limit=2";
        while (true)
        {
            var page = await Api.JsonAsync(HttpMethod.Get, path, secret);
            pages.Add(page);
            if (!page.GetProperty("has_more").GetBoolean())
            {
                Assert.Equal(JsonValueKind.Null, page.GetProperty("next_after").ValueKind);
                break;
            }

            Assert.True(pages.Count < 5, "paging does not end");
            path = "/v1/conversations?limit=2&after=" + Uri.EscapeDataString(page.GetProperty("next_after").GetString()!);
        }

        Assert.Equal(ids.Order(), all.Order());
        Assert.Equal(ids[1], all[0]);
        Assert.Equal([2, 2, 1], pages.Select(p => p.GetProperty("data").GetArrayLength()));
        Assert.Equal(all, pages.SelectMany(p => p.GetProperty("data").EnumerateArray()).Select(c => c.GetProperty("id").GetString()));
        Assert.Equal(5, (await Api.JsonAsync(HttpMethod.Get, "/v1/conversations", secret)).GetProperty("data").GetArrayLength());
    }

    [Fact]
    public async Task Visibility_OwnerSameOrgAndOtherOrg()
    {
        await ConversationVisibility.RunAsync(Api, "conv-vis");
    }

    [Fact]
    public async Task Get_ReturnsEveryTurnInOrder_ContentNullWhenOnlyMetadataWasKept()
    {
        var secret = (await Api.OrgWithKeysAsync("conv-turns", "full", 1))[0].Secret;
        var id = await Api.CreateAsync(secret, "With turns");
        var at = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        Assert.True(await Server.Stores.Conversations.AppendTurnsAsync(
            id,
            0,
            [
                new ConversationTurn { Role = "user", Content = "What is 2+2?", Model = "gpt-4o", CorrelationId = "req-1", InputTokens = 12, At = at },
                new ConversationTurn { Role = "assistant", Content = null, Model = "gpt-4o", CorrelationId = "req-1", OutputTokens = 3, At = at.AddSeconds(2) },
            ],
            Ct));
        Assert.True(await Server.Stores.Conversations.AppendTurnsAsync(id, 2, [new ConversationTurn { Role = "user", Content = "Thanks", At = at.AddMinutes(1) }], Ct));
        Assert.True(await Server.Stores.Conversations.SetSummaryAsync(id, "Asked for a sum.", 1, Ct));

        var read = await Api.JsonAsync(HttpMethod.Get, $"/v1/conversations/{id}", secret);

        Assert.Equal(3, read.GetProperty("turn_count").GetInt64());
        Assert.Equal("Asked for a sum.", read.GetProperty("summary").GetString());
        Assert.Equal(1, read.GetProperty("summary_through").GetInt64());
        var turns = read.GetProperty("turns").EnumerateArray().ToArray();
        Assert.Equal([0L, 1L, 2L], turns.Select(t => t.GetProperty("sequence").GetInt64()));
        Assert.Equal(["user", "assistant", "user"], turns.Select(t => t.GetProperty("role").GetString()));
        Assert.Equal("What is 2+2?", turns[0].GetProperty("content").GetString());
        Assert.Equal(JsonValueKind.Null, turns[1].GetProperty("content").ValueKind);
        Assert.Equal("gpt-4o", turns[1].GetProperty("model").GetString());
        Assert.Equal("req-1", turns[1].GetProperty("request_id").GetString());
        Assert.Equal(JsonValueKind.Null, turns[2].GetProperty("model").ValueKind);
        Assert.Equal(JsonValueKind.Null, turns[2].GetProperty("request_id").ValueKind);
        Assert.Equal(12, turns[0].GetProperty("input_tokens").GetInt64());
        Assert.Equal(0, turns[0].GetProperty("output_tokens").GetInt64());
        Assert.Equal(3, turns[1].GetProperty("output_tokens").GetInt64());
        Assert.Equal(at.ToUnixTimeSeconds() + 2, turns[1].GetProperty("created_at").GetInt64());

        // A list shows metadata only.
        var listed = (await Api.JsonAsync(HttpMethod.Get, "/v1/conversations", secret)).GetProperty("data")[0];
        Assert.False(listed.TryGetProperty("turns", out _));
        Assert.Equal(3, listed.GetProperty("turn_count").GetInt64());
    }

    [Fact]
    public async Task Patch_SetsAndClearsTheTitle_AndSharing_AndRefusesEmptyOrUnknownChanges()
    {
        var secret = (await Api.OrgWithKeysAsync("conv-patch", "full", 1))[0].Secret;
        var id = await Api.CreateAsync(secret, "Old");
        var path = $"/v1/conversations/{id}";

        var renamed = await Api.JsonAsync(HttpMethod.Patch, path, secret, """{"title":"New"}""");
        var both = await Api.JsonAsync(HttpMethod.Patch, path, secret, """{"title":null,"shared":true}""");
        var read = await Api.JsonAsync(HttpMethod.Get, path, secret);
        var empty = await Api.ErrorAsync(HttpMethod.Patch, path, secret, "{}");
        var unknown = await Api.ErrorAsync(HttpMethod.Patch, path, secret, """{"owner":"someone-else"}""");
        var badShared = await Api.ErrorAsync(HttpMethod.Patch, path, secret, """{"shared":"yes"}""");
        var nullShared = await Api.ErrorAsync(HttpMethod.Patch, path, secret, """{"shared":null}""");
        var noBody = await Api.ErrorAsync(HttpMethod.Patch, path, secret);

        Assert.Equal("New", renamed.GetProperty("title").GetString());
        Assert.False(renamed.GetProperty("shared").GetBoolean());
        Assert.Equal(JsonValueKind.Null, both.GetProperty("title").ValueKind);
        Assert.True(both.GetProperty("shared").GetBoolean());
        Assert.Equal(JsonValueKind.Null, read.GetProperty("title").ValueKind);
        Assert.True(read.GetProperty("shared").GetBoolean());
        Assert.Equal((HttpStatusCode.BadRequest, GatewayErrorCodes.MissingParameter), (empty.Status, empty.Code));
        Assert.Equal((HttpStatusCode.BadRequest, GatewayErrorCodes.MissingParameter), (noBody.Status, noBody.Code));
        Assert.Equal((HttpStatusCode.BadRequest, "owner"), (unknown.Status, unknown.Param));
        Assert.Equal((HttpStatusCode.BadRequest, "shared"), (badShared.Status, badShared.Param));
        Assert.Equal((HttpStatusCode.BadRequest, "shared"), (nullShared.Status, nullShared.Param));
    }

    [Fact]
    public async Task Delete_RemovesTheConversationAndEveryTurn()
    {
        var secret = (await Api.OrgWithKeysAsync("conv-delete", "full", 1))[0].Secret;
        var id = await Api.CreateAsync(secret);
        var kept = await Api.CreateAsync(secret);
        Assert.True(await Server.Stores.Conversations.AppendTurnsAsync(
            id,
            0,
            [new ConversationTurn { Role = "user", Content = "secret plans", At = DateTimeOffset.UtcNow }, new ConversationTurn { Role = "assistant", Content = "ok", At = DateTimeOffset.UtcNow }],
            Ct));
        Assert.Equal(2, (await Server.Stores.Conversations.ListTurnsAsync(id, 0, Ct)).Count);

        var deleted = await Api.JsonAsync(HttpMethod.Delete, $"/v1/conversations/{id}", secret);
        var get = await Api.ErrorAsync(HttpMethod.Get, $"/v1/conversations/{id}", secret);
        var again = await Api.ErrorAsync(HttpMethod.Delete, $"/v1/conversations/{id}", secret);

        Assert.Equal(id, deleted.GetProperty("id").GetString());
        Assert.Equal("conversation.deleted", deleted.GetProperty("object").GetString());
        Assert.True(deleted.GetProperty("deleted").GetBoolean());
        Assert.Equal((HttpStatusCode.NotFound, GatewayErrorCodes.ConversationNotFound), (get.Status, get.Code));
        Assert.Equal((HttpStatusCode.NotFound, GatewayErrorCodes.ConversationNotFound), (again.Status, again.Code));
        Assert.Null(await Server.Stores.Conversations.GetAsync(id, Ct));
        Assert.Empty(await Server.Stores.Conversations.ListTurnsAsync(id, 0, Ct));
        Assert.Equal([kept], await Api.IdsAsync("/v1/conversations", secret));
    }

    private static (HttpStatusCode, string?) Head((HttpStatusCode Status, string? Code, string? Param, string Message) error) => (error.Status, error.Code);
}
