using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using ThreadSync.Gateway;
using ThreadSync.Gateway.Audit;
using ThreadSync.Gateway.Governance;
using ThreadSync.Gateway.Storage;
using ThreadSync.Hosting.Tests.Governance;
using ThreadSync.Testing.FakeUpstreams;

namespace ThreadSync.Hosting.Tests.Audit;

/// <summary>
/// The audit chain on the real server: every inference request (served, refused before or inside the pipeline,
/// failed; on every endpoint, streamed or not) and every admin action has one record, with the SHA-256 of the exact
/// bytes received and sent; verify and export over the admin API; content kept for orgs that opt in.
/// </summary>
public sealed class AuditHttpTests : IAsyncLifetime
{
    private const string AdminKey = "audit-admin-key-0123456789abcdef";

    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("threadsync-audit-").FullName;
    private GovernedServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string DatabasePath => Path.Combine(_dataDirectory, "threadsync.db");

    public async ValueTask InitializeAsync() => _server = await GovernedServer.StartAsync(new()
    {
        ["ThreadSync:Storage:DataDirectory"] = _dataDirectory,
        ["ThreadSync:Admin:ApiKey"] = AdminKey,
        ["ThreadSync:Http:MaxRequestBodyBytes"] = "4096",
    });

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Theory]
    [InlineData("/v1/chat/completions", false)]
    [InlineData("/v1/chat/completions", true)]
    [InlineData("/v1/messages", false)]
    [InlineData("/v1/messages", true)]
    [InlineData("/api/v1/llm/chat", false)]
    [InlineData("/api/v1/llm/chat", true)]
    public async Task ServedRequest_HasOneRecord_WithTheHashesOfTheBytesReceivedAndSent(string path, bool stream)
    {
        var secret = await _server.CreateKeyAsync("acme", teamId: "research");
        var body = Body("gpt-4o", stream);

        var (response, received) = await SendAsync(path, body, secret);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var record = await RecordOfAsync(response);
        var usage = Assert.Single(await _server.LedgerAsync(await _server.KeyIdOfAsync(secret)));
        Assert.Equal(AuditKinds.Inference, record.Kind);
        Assert.Equal(usage.KeyId, record.KeyId);
        Assert.Equal(("acme", "research"), (record.OrgId, record.TeamId));
        Assert.Equal(path, record.Endpoint);
        Assert.Equal(("gpt-4o", "openai", RouteMethod.Pinned), (record.Model, record.Provider, record.RouteMethod));
        Assert.Equal((UsageVerdicts.Ok, 200, 0), (record.Verdict, record.StatusCode, record.FallbackAttempts));
        Assert.Equal((usage.InputTokens, usage.OutputTokens, usage.CostUsd), (record.InputTokens, record.OutputTokens, record.CostUsd));
        Assert.True(record.InputTokens > 0 && record.CostUsd > 0);
        Assert.Equal(Sha256(body), record.PromptSha256);
        Assert.Equal(Sha256(received), record.ResponseSha256);
        Assert.Null(record.Content);
        Assert.Null(record.Actor);
    }

    [Fact]
    public async Task IdempotentReplay_IsRecordedAsReplayed_WithTheBytesReplayed_AndNothingBilled()
    {
        var secret = await _server.CreateKeyAsync("acme");
        var body = Body("gpt-4o");

        var (first, firstBody) = await SendAsync("/v1/chat/completions", body, secret, idempotencyKey: "order-42");
        var (replay, replayBody) = await SendAsync("/v1/chat/completions", body, secret, idempotencyKey: "order-42");

        Assert.Equal("true", TestHttp.Header(replay, "Idempotent-Replayed"));
        Assert.Equal(firstBody, replayBody);
        var original = await RecordOfAsync(first);
        var replayed = await RecordOfAsync(replay);
        Assert.Equal((UsageVerdicts.Ok, 200), (original.Verdict, original.StatusCode));
        Assert.Equal(("replayed", 200, original.KeyId), (replayed.Verdict, replayed.StatusCode, replayed.KeyId));
        Assert.Equal((0L, 0L, 0m), (replayed.InputTokens, replayed.OutputTokens, replayed.CostUsd));
        Assert.Equal((original.PromptSha256, original.ResponseSha256), (replayed.PromptSha256, replayed.ResponseSha256));
    }

    [Fact]
    public async Task RefusedAndFailedRequests_AreRecorded_WithTheVerdictTheUsageLedgerHas()
    {
        var limited = await _server.CreateKeyAsync("acme", keyLimits: new QuotaLimits { RequestsPerHour = 1 });
        var restricted = await _server.CreateKeyAsync("acme", access: new AccessRules { AllowedModels = ["claude-*"] });
        var broke = await _server.CreateKeyAsync("frugal", orgLimits: new QuotaLimits { DailyUsd = 0.000000001m });
        var failing = await _server.CreateKeyAsync("acme");

        var (ok, _) = await SendAsync("/v1/chat/completions", Body("gpt-4o"), limited);
        var (rateLimited, rateLimitedBody) = await SendAsync("/v1/chat/completions", Body("gpt-4o"), limited);
        var (forbidden, forbiddenBody) = await SendAsync("/v1/chat/completions", Body("gpt-4o"), restricted);
        var (budget, _) = await SendAsync("/v1/chat/completions", Body("gpt-4o"), broke);
        _server.OpenAI.Enqueue(FakeReply.Error(500, "upstream exploded"));
        var (failed, failedBody) = await SendAsync("/v1/chat/completions", Body("gpt-4o"), failing);

        Assert.Equal([200, 429, 403, 402, 502], new[] { ok, rateLimited, forbidden, budget, failed }.Select(r => (int)r.StatusCode));
        await AssertRecordAsync(rateLimited, UsageVerdicts.RateLimited, 429, rateLimitedBody);
        await AssertRecordAsync(forbidden, UsageVerdicts.Forbidden, 403, forbiddenBody);
        await AssertRecordAsync(budget, UsageVerdicts.BudgetExceeded, 402, null);
        var failure = await AssertRecordAsync(failed, UsageVerdicts.Failed, 502, failedBody);
        Assert.Equal("gpt-4o", failure.Model);
        Assert.True(failure.FallbackAttempts >= 1);

        async Task<AuditRecord> AssertRecordAsync(HttpResponseMessage response, string verdict, int status, byte[]? body)
        {
            var record = await RecordOfAsync(response);
            var usage = Assert.Single(await _server.LedgerAsync(record.KeyId!), u => u.CorrelationId == record.CorrelationId);
            Assert.Equal((verdict, status), (record.Verdict, record.StatusCode));
            Assert.Equal((usage.Verdict, usage.StatusCode), (record.Verdict, record.StatusCode));
            if (body is not null)
            {
                Assert.Equal(Sha256(body), record.ResponseSha256);
            }

            return record;
        }
    }

    [Fact]
    public async Task RequestsRefusedBeforeThePipeline_AreRecordedWithWhatIsKnown()
    {
        var secret = await _server.CreateKeyAsync("acme");
        var keyId = await _server.KeyIdOfAsync(secret);

        var (unknownKey, _) = await SendAsync("/v1/chat/completions", Body("gpt-4o"), "tsg-not-a-key-0123456789");
        var badJson = "{\"model\": \"gpt-4o\", \"messages\": ["u8.ToArray();
        var (invalid, _) = await SendAsync("/v1/chat/completions", badJson, secret);
        var (notJson, _) = await SendAsync("/v1/messages", Body("gpt-4o"), secret, contentType: "text/plain");
        var (tooLarge, _) = await SendAsync("/api/v1/llm/chat", new byte[5000], secret);

        Assert.Equal([401, 400, 415, 413], new[] { unknownKey, invalid, notJson, tooLarge }.Select(r => (int)r.StatusCode));

        var unauthenticated = await RecordOfAsync(unknownKey);
        Assert.Equal((null, null, UsageVerdicts.Unauthenticated, 401), (unauthenticated.KeyId, unauthenticated.OrgId, unauthenticated.Verdict, unauthenticated.StatusCode));
        Assert.Equal("/v1/chat/completions", unauthenticated.Endpoint);
        Assert.Null(unauthenticated.PromptSha256);
        Assert.NotNull(unauthenticated.ResponseSha256);

        var parseError = await RecordOfAsync(invalid);
        Assert.Equal((keyId, "acme", UsageVerdicts.Failed, 400), (parseError.KeyId, parseError.OrgId, parseError.Verdict, parseError.StatusCode));
        Assert.Equal(Sha256(badJson), parseError.PromptSha256);

        var unsupported = await RecordOfAsync(notJson);
        Assert.Equal((null, 415, "/v1/messages"), (unsupported.KeyId, unsupported.StatusCode, unsupported.Endpoint));

        var large = await RecordOfAsync(tooLarge);
        Assert.Equal((keyId, 413, "/api/v1/llm/chat"), (large.KeyId, large.StatusCode, large.Endpoint));
        Assert.Null(large.PromptSha256);

        // Not inference requests: no records.
        using var models = await _server.Http.GetAsync(new Uri(_server.BaseUrl, "/v1/models"), Ct);
        Assert.DoesNotContain(await ChainAsync(), r => r.CorrelationId == TestHttp.Header(models, "x-request-id"));
    }

    [Fact]
    public async Task OrgThatKeepsContent_GetsTheExactBytesBesideTheChain_UntilItsRetentionEnds()
    {
        var secret = await _server.CreateKeyAsync("keeper", orgPolicy: new OrgPolicy { AuditContent = true, AuditContentRetentionDays = 7 });
        var other = await _server.CreateKeyAsync("discreet");
        var body = Body("gpt-4o", stream: true);

        var (kept, received) = await SendAsync("/v1/chat/completions", body, secret);
        var (notKept, _) = await SendAsync("/v1/chat/completions", Body("gpt-4o"), other);

        var record = await RecordOfAsync(kept, content: true);
        Assert.Equal(body, record.Content!.Prompt);
        Assert.Equal(received, record.Content.Response);
        Assert.Equal(record.At.AddDays(7), record.Content.ExpiresAt);
        Assert.Null((await RecordOfAsync(notKept, content: true)).Content);
        Assert.True((await VerifyAsync()).GetProperty("valid").GetBoolean());

        Assert.Equal(0, await _server.Stores.Audit.PurgeContentAsync(record.At.AddDays(6), Ct));
        Assert.Equal(1, await _server.Stores.Audit.PurgeContentAsync(record.At.AddDays(7), Ct));

        Assert.Null((await RecordOfAsync(kept, content: true)).Content);
        Assert.Equal(record.Hash, (await RecordOfAsync(kept)).Hash);
        Assert.True((await VerifyAsync()).GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task OrgPolicy_AuditContent_IsSetAndShownThroughTheAdminApi()
    {
        await AdminAsync(HttpMethod.Post, "/admin/v1/orgs", """{"id":"policy-org","name":"Policy"}""");

        using var put = await AdminAsync(HttpMethod.Put, "/admin/v1/orgs/policy-org/policy", """{"audit_content":true,"audit_content_retention_days":90}""");
        using var bad = await AdminAsync(HttpMethod.Put, "/admin/v1/orgs/policy-org/policy", """{"audit_content":true,"audit_content_retention_days":0}""");

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var policy = (await _server.Stores.Governance.GetOrgAsync("policy-org", Ct))!.Policy;
        Assert.Equal((true, 90), (policy.AuditContent, policy.AuditContentRetentionDays));
        var shown = JsonDocument.Parse(await put.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.True(shown.GetProperty("audit_content").GetBoolean());
        Assert.Equal(90, shown.GetProperty("audit_content_retention_days").GetInt32());
    }

    [Fact]
    public async Task AdminActions_AreChained_AndVerifyAndExportCoverTheWholeChain()
    {
        var secret = await _server.CreateKeyAsync("acme");
        await SendAsync("/v1/chat/completions", Body("gpt-4o"), secret);
        using var created = await AdminAsync(HttpMethod.Post, "/admin/v1/orgs", """{"id":"globex","name":"Globex"}""");
        using var conflict = await AdminAsync(HttpMethod.Post, "/admin/v1/orgs", """{"id":"globex","name":"Again"}""");

        var verified = await VerifyAsync();
        using var export = await AdminAsync(HttpMethod.Get, "/admin/v1/audit/export");
        var text = await export.Content.ReadAsStringAsync(Ct);

        var chain = await ChainAsync();
        var admin = chain.Where(r => r.Kind == AuditKinds.Admin).ToList();
        Assert.Equal(["org.create", "org.create", "audit.verify", "audit.export"], admin.Select(r => r.Action));
        Assert.Equal((201, "ok", "globex"), (admin[0].StatusCode, admin[0].Verdict, admin[0].Target));
        Assert.Equal((409, "refused"), (admin[1].StatusCode, admin[1].Verdict));
        Assert.Equal("admin:configured-key", admin[0].Actor);
        Assert.Equal(TestHttp.Header(created, "x-request-id"), admin[0].CorrelationId);
        Assert.Contains("Globex", admin[0].Details, StringComparison.Ordinal);

        // The verify answer covers everything before it: genesis, the inference request, two admin actions.
        Assert.True(verified.GetProperty("valid").GetBoolean());
        Assert.Equal(4, verified.GetProperty("records").GetInt64());
        Assert.Equal(3, verified.GetProperty("head").GetProperty("sequence").GetInt64());
        Assert.Equal(chain[3].Hash, verified.GetProperty("head").GetProperty("hash").GetString());

        // The export is the whole chain (its own record included: it is appended before the body is sent), with
        // both hashes, and verifies offline.
        Assert.Equal("application/x-ndjson", export.Content.Headers.ContentType?.MediaType);
        var exported = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => AuditJsonLines.Parse(Encoding.UTF8.GetBytes(l))).ToList();
        Assert.Equal(6, exported.Count);
        Assert.Equal(chain, exported);
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
        Assert.True((await AuditChainVerifier.VerifyAsync(AuditJsonLines.ReadAsync(stream, Ct), cancellationToken: Ct)).Valid);

        using var range = await AdminAsync(HttpMethod.Get, "/admin/v1/audit/export?from_sequence=2&to_sequence=3");
        Assert.Equal([2L, 3L], (await range.Content.ReadAsStringAsync(Ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => AuditJsonLines.Parse(Encoding.UTF8.GetBytes(l)).Sequence));
        using var backwards = await AdminAsync(HttpMethod.Get, "/admin/v1/audit/export?from_sequence=3&to_sequence=2");
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
    }

    [Fact]
    public async Task Verify_AfterARowIsEditedInTheDatabase_NamesTheRecord()
    {
        var secret = await _server.CreateKeyAsync("acme");
        for (var i = 0; i < 3; i++)
        {
            await SendAsync("/v1/chat/completions", Body("gpt-4o"), secret);
        }

        using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=false"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE audit_chain SET cost_usd = '0' WHERE seq = 2";
            Assert.Equal(1, command.ExecuteNonQuery());
        }

        var result = await VerifyAsync();

        Assert.False(result.GetProperty("valid").GetBoolean());
        Assert.Equal(2, result.GetProperty("first_bad_sequence").GetInt64());
        Assert.Equal("hash_mismatch", result.GetProperty("reason").GetString());
        Assert.Equal(1, result.GetProperty("last_good").GetProperty("sequence").GetInt64());
    }

    [Fact]
    public async Task AdminActionsList_ReadsTheChain()
    {
        await AdminAsync(HttpMethod.Post, "/admin/v1/orgs", """{"id":"listed","name":"Listed"}""");

        using var list = await AdminAsync(HttpMethod.Get, "/admin/v1/audit/admin-actions?limit=5");

        var entry = Assert.Single(JsonDocument.Parse(await list.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("data").EnumerateArray());
        Assert.Equal("org.create", entry.GetProperty("action").GetString());
        Assert.Equal("listed", entry.GetProperty("target_id").GetString());
        Assert.Equal((await ChainAsync()).Single(r => r.Action == "org.create").Sequence, entry.GetProperty("sequence").GetInt64());
    }

    /// <summary>A request body every inference endpoint accepts (the Anthropic, OpenAI and normalized shapes agree on this much).</summary>
    private static byte[] Body(string model, bool stream = false) =>
        Encoding.UTF8.GetBytes($$"""{"model": "{{model}}", "max_tokens": 20, "stream": {{(stream ? "true" : "false")}}, "messages": [{"role": "user", "content": "Say hi. ☃"}]}""");

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private async Task<(HttpResponseMessage Response, byte[] Body)> SendAsync(string path, byte[] body, string secret, string contentType = "application/json", string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_server.BaseUrl, path)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        var response = await _server.Http.SendAsync(request, Ct);
        return (response, await response.Content.ReadAsByteArrayAsync(Ct));
    }

    private async Task<HttpResponseMessage> AdminAsync(HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(_server.BaseUrl, path));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        var response = await _server.Http.SendAsync(request, Ct);
        await response.Content.LoadIntoBufferAsync(Ct);
        return response;
    }

    private async Task<JsonElement> VerifyAsync()
    {
        using var response = await AdminAsync(HttpMethod.Get, "/admin/v1/audit/verify");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();
    }

    private async Task<List<AuditRecord>> ChainAsync(bool content = false)
    {
        var records = new List<AuditRecord>();
        await foreach (var record in _server.Stores.Audit.ReadAsync(includeContent: content, cancellationToken: Ct))
        {
            records.Add(record);
        }

        return records;
    }

    private async Task<AuditRecord> RecordOfAsync(HttpResponseMessage response, bool content = false)
    {
        var correlationId = TestHttp.Header(response, "x-request-id");
        return Assert.Single(await ChainAsync(content), r => r.CorrelationId == correlationId);
    }
}
