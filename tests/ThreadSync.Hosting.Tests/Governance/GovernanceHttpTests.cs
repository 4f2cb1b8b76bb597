using System.Net;
using System.Text.Json;
using ThreadSync.Gateway;
using ThreadSync.Gateway.Governance;
using ThreadSync.Gateway.Storage;

namespace ThreadSync.Hosting.Tests.Governance;

/// <summary>
/// Keys, access rules, rate limits and budgets enforced on the real server with real concurrent requests: the
/// invariants (no limit overshoots, no budget overspends, the ledger matches what the upstream billed) and the
/// distinct refusals (401, 403, 429, 402).
/// </summary>
public sealed class GovernanceHttpTests
{
    [Fact]
    public async Task RacingRequests_AgainstTenPerHour_ExactlyTenSucceed()
    {
        await using var server = await GovernedServer.StartAsync();
        var secret = await server.CreateKeyAsync("acme", keyLimits: new QuotaLimits { RequestsPerHour = 10 });

        var responses = await GovernedServer.RaceAsync(100, _ => server.ChatAsync(secret));

        Assert.Equal(10, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(10, server.OpenAI.RequestCount);
        var refused = responses.Where(r => r.StatusCode != HttpStatusCode.OK).ToList();
        Assert.Equal(90, refused.Count);
        foreach (var response in refused)
        {
            Assert.Equal((HttpStatusCode)429, response.StatusCode);
            Assert.Equal(GatewayErrorCodes.RateLimitExceeded, await ErrorCodeAsync(response));
            Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
            Assert.Equal("10", Header(response, "x-ratelimit-limit-requests"));
            Assert.Equal("0", Header(response, "x-ratelimit-remaining-requests"));
        }

        var ledger = await server.LedgerAsync(await server.KeyIdOfAsync(secret));
        Assert.Equal(10, ledger.Count(r => r.Verdict == UsageVerdicts.Ok));
        Assert.Equal(90, ledger.Count(r => r.Verdict == UsageVerdicts.RateLimited && r.StatusCode == 429));
    }

    [Fact]
    public async Task RacingRequests_AgainstAnOrgUsdBudget_NeverOverspend_AndTheLedgerMatchesTheUpstream()
    {
        await using var server = await GovernedServer.StartAsync();
        const decimal budget = 0.002m;
        var secret = await server.CreateKeyAsync("acme", teamId: "research", orgLimits: new QuotaLimits { DailyUsd = budget });

        var responses = await GovernedServer.RaceAsync(100, _ => server.ChatAsync(secret, maxTokens: 50));

        var served = responses.Where(r => r.StatusCode == HttpStatusCode.OK).ToList();
        Assert.NotEmpty(served);
        Assert.Equal(served.Count, server.OpenAI.RequestCount);
        foreach (var response in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
        {
            Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
            Assert.Equal(GatewayErrorCodes.BudgetExceeded, await ErrorCodeAsync(response));
        }

        // What the upstream billed, as the clients saw it, is what the ledger holds, and it stays within the budget.
        long input = 0, output = 0;
        foreach (var response in served)
        {
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            input += json.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt64();
            output += json.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt64();
        }

        var ledger = (await server.LedgerAsync(await server.KeyIdOfAsync(secret))).Where(r => r.Verdict == UsageVerdicts.Ok).ToList();
        Assert.Equal(served.Count, ledger.Count);
        Assert.Equal(input, ledger.Sum(r => r.InputTokens));
        Assert.Equal(output, ledger.Sum(r => r.OutputTokens));
        Assert.All(ledger, r => Assert.Equal("research", r.TeamId));
        var spent = ledger.Sum(r => r.CostUsd);
        Assert.True(spent > 0 && spent <= budget, $"spent {spent} of {budget}");

        var counts = await server.Stores.Quotas.GetCountsAsync(QuotaScopeKind.Org, "acme", TestContext.Current.CancellationToken);
        Assert.InRange(counts.CostNanoUsdToday, NanoUsd.FromUsd(spent), NanoUsd.FromUsd(spent) + ledger.Count);
    }

    [Fact]
    public async Task KeyAllowlist_RefusesAModelOutsideIt_NamingTheRule()
    {
        await using var server = await GovernedServer.StartAsync();
        var secret = await server.CreateKeyAsync("acme", access: new AccessRules { AllowedModels = ["gpt-4o-mini"] });

        using var refused = await server.ChatAsync(secret, model: "gpt-4o");
        using var allowed = await server.ChatAsync(secret, model: "gpt-4o-mini");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var error = await ErrorAsync(refused);
        Assert.Equal(GatewayErrorCodes.ModelNotAllowed, error.GetProperty("code").GetString());
        Assert.Contains("allowed_models [gpt-4o-mini]", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(1, server.OpenAI.RequestCount);
        var ledger = await server.LedgerAsync(await server.KeyIdOfAsync(secret));
        Assert.Contains(ledger, r => r.Verdict == UsageVerdicts.Forbidden && r.Model == "gpt-4o" && r.StatusCode == 403);
    }

    [Fact]
    public async Task KeyAllowlist_AnswersBeforeProviderAvailability_AndTheLedgerNamesTheModelAsked()
    {
        await using var server = await GovernedServer.StartAsync();
        var secret = await server.CreateKeyAsync("acme", access: new AccessRules { AllowedModels = ["gpt-*"] });

        // Gemini is not configured on this server: the policy's refusal comes first all the same.
        using var refused = await server.ChatAsync(secret, model: "gemini-3.5-flash");
        using var unknown = await server.ChatAsync(secret, model: "no-such-model");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var ledger = await server.LedgerAsync(await server.KeyIdOfAsync(secret));
        Assert.Contains(ledger, r => r.Verdict == UsageVerdicts.Forbidden && r.Model == "gemini-3.5-flash");
        Assert.Contains(ledger, r => r.Verdict == UsageVerdicts.Failed && r.Model == "no-such-model" && r.StatusCode == 404);
    }

    [Fact]
    public async Task Models_ListsOnlyWhatTheKeyMayUse()
    {
        await using var server = await GovernedServer.StartAsync();
        var secret = await server.CreateKeyAsync(
            "acme",
            access: new AccessRules { AllowedModels = ["gpt-4o*", "claude-*"] },
            orgPolicy: new OrgPolicy { Access = new AccessRules { DeniedModels = ["gpt-4o-mini"] } });
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.BaseUrl, "/v1/models"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secret);

        using var response = await server.Http.SendAsync(request, TestContext.Current.CancellationToken);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var ids = json.RootElement.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()!).ToList();

        Assert.Contains("gpt-4o", ids);
        Assert.Contains("claude-sonnet-4-6", ids);
        Assert.DoesNotContain("gpt-4o-mini", ids);
        Assert.All(ids, id => Assert.True(id.StartsWith("gpt-4o", StringComparison.Ordinal) || id.StartsWith("claude-", StringComparison.Ordinal), id));
    }

    [Fact]
    public async Task OrgPolicy_OverridesTheKeysOwnAllowlist()
    {
        await using var server = await GovernedServer.StartAsync();
        var secret = await server.CreateKeyAsync(
            "acme",
            access: new AccessRules { AllowedModels = ["gpt-*"] },
            orgPolicy: new OrgPolicy { Access = new AccessRules { DeniedModels = ["gpt-4o"] } });

        using var refused = await server.ChatAsync(secret, model: "gpt-4o");
        using var allowed = await server.ChatAsync(secret, model: "gpt-4o-mini");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("org policy's denied_models [gpt-4o]", (await ErrorAsync(refused)).GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task ProviderAllowlist_AndAutoRouting_StayWithinTheRules()
    {
        await using var server = await GovernedServer.StartAsync();
        var secret = await server.CreateKeyAsync("acme", access: new AccessRules { AllowedProviders = ["anthropic"] });

        using var refused = await server.ChatAsync(secret, model: "gpt-4o");
        using var auto = await server.ChatAsync(secret, model: "auto");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("allowed_providers [anthropic]", (await ErrorAsync(refused)).GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, auto.StatusCode);
        Assert.Equal("anthropic", Header(auto, "x-threadsync-provider"));
        Assert.Equal(0, server.OpenAI.RequestCount);
    }

    [Fact]
    public async Task RevokedKey_IsRefusedOnTheNextRequest()
    {
        await using var server = await GovernedServer.StartAsync();
        var secret = await server.CreateKeyAsync("acme");
        var keyId = await server.KeyIdOfAsync(secret);

        using var before = await server.ChatAsync(secret);
        Assert.True(await server.Stores.Governance.RevokeKeyAsync(keyId, DateTimeOffset.UtcNow, TestContext.Current.CancellationToken));
        using var after = await server.ChatAsync(secret);

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal(GatewayErrorCodes.InvalidApiKey, await ErrorCodeAsync(after));
    }

    [Fact]
    public async Task RotatedKey_OldSecretWorksUntilTheGraceEnds_AndUsageStaysOnOneKey()
    {
        await using var server = await GovernedServer.StartAsync();
        var old = await server.CreateKeyAsync("acme");
        var keyId = await server.KeyIdOfAsync(old);
        var ct = TestContext.Current.CancellationToken;
        var now = DateTimeOffset.UtcNow;

        var first = "tsg-test-rotated-1-" + Guid.NewGuid().ToString("N");
        Assert.True(await server.Stores.Governance.RotateKeyAsync(keyId, GovernedServer.Hash(first), first[^4..], now, now.AddHours(1), ct));
        using var oldInGrace = await server.ChatAsync(old);
        using var newOne = await server.ChatAsync(first);

        var second = "tsg-test-rotated-2-" + Guid.NewGuid().ToString("N");
        Assert.True(await server.Stores.Governance.RotateKeyAsync(keyId, GovernedServer.Hash(second), second[^4..], now, now.AddSeconds(-1), ct));
        using var oldAfterGrace = await server.ChatAsync(old);
        using var firstAfterGrace = await server.ChatAsync(first);
        using var current = await server.ChatAsync(second);

        Assert.Equal(HttpStatusCode.OK, oldInGrace.StatusCode);
        Assert.Equal(HttpStatusCode.OK, newOne.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, oldAfterGrace.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, firstAfterGrace.StatusCode);
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
        Assert.Equal(3, (await server.LedgerAsync(keyId)).Count(r => r.Verdict == UsageVerdicts.Ok));
    }

    [Fact]
    public async Task Stream_IsSettledAtItsActualUsage()
    {
        await using var server = await GovernedServer.StartAsync();
        var secret = await server.CreateKeyAsync("acme", keyLimits: new QuotaLimits { DailyTokens = 1_000_000 });
        var keyId = await server.KeyIdOfAsync(secret);

        using var response = await server.ChatAsync(secret, stream: true);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("[DONE]", body, StringComparison.Ordinal);
        var record = Assert.Single(await server.LedgerAsync(keyId));
        Assert.Equal(UsageVerdicts.Ok, record.Verdict);
        Assert.True(record.OutputTokens > 0 && record.CostUsd > 0);
        var counts = await server.Stores.Quotas.GetCountsAsync(QuotaScopeKind.Key, keyId, TestContext.Current.CancellationToken);
        Assert.Equal(record.TotalTokens, counts.TokensToday);
        Assert.Equal(1, counts.RequestsThisHour);
    }

    [Fact]
    public async Task StreamBrokenMidway_IsBilledForWhatWasProduced_NotZero()
    {
        await using var server = await GovernedServer.StartAsync();
        var secret = await server.CreateKeyAsync("acme", keyLimits: new QuotaLimits { DailyUsd = 10 });
        var keyId = await server.KeyIdOfAsync(secret);
        server.OpenAI.Enqueue(Testing.FakeUpstreams.FakeReply.StreamErrorAfter(3, "Overloaded"));

        using var response = await server.ChatAsync(secret, stream: true);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("error", body, StringComparison.Ordinal);
        var record = Assert.Single(await server.LedgerAsync(keyId));
        Assert.Equal(UsageVerdicts.Failed, record.Verdict);
        Assert.True(record.OutputTokens > 0 && record.CostUsd > 0, $"billed {record.OutputTokens} tokens, ${record.CostUsd}");
        var counts = await server.Stores.Quotas.GetCountsAsync(QuotaScopeKind.Key, keyId, TestContext.Current.CancellationToken);
        Assert.Equal(NanoUsd.FromUsd(record.CostUsd), counts.CostNanoUsdToday);
    }

    [Fact]
    public async Task TokenBudget_WithoutMaxTokens_SendsTheDefaultCeilingUpstream()
    {
        await using var server = await GovernedServer.StartAsync(new() { ["ThreadSync:Governance:DefaultMaxOutputTokens"] = "321" });
        var secret = await server.CreateKeyAsync("acme", keyLimits: new QuotaLimits { DailyTokens = 1_000_000 });

        using var response = await server.ChatAsync(secret, maxTokens: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = server.OpenAI.LastRequest.Json;
        var ceiling = sent.TryGetProperty("max_completion_tokens", out var completion) ? completion : sent.GetProperty("max_tokens");
        Assert.Equal(321, ceiling.GetInt32());
    }

    [Fact]
    public async Task AnthropicMessagesEndpoint_IsGovernedToo()
    {
        await using var server = await GovernedServer.StartAsync();
        var secret = await server.CreateKeyAsync("acme", keyLimits: new QuotaLimits { RequestsPerHour = 1 });

        using var first = await server.ChatAsync(secret, model: "claude-sonnet-4-6", path: "/v1/messages");
        using var second = await server.ChatAsync(secret, model: "claude-sonnet-4-6", path: "/v1/messages");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal((HttpStatusCode)429, second.StatusCode);
        using var json = JsonDocument.Parse(await second.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("rate_limit_error", json.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(1, server.Anthropic.RequestCount);
    }

    [Fact]
    public async Task UnknownKey_IsRefusedWith401()
    {
        await using var server = await GovernedServer.StartAsync();
        await server.CreateKeyAsync("acme");

        using var response = await server.ChatAsync("tsg-not-a-key");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(GatewayErrorCodes.InvalidApiKey, await ErrorCodeAsync(response));
        Assert.Equal(0, server.OpenAI.RequestCount);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : null;

    private static async Task<JsonElement> ErrorAsync(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return json.RootElement.GetProperty("error").Clone();
    }

    private static async Task<string?> ErrorCodeAsync(HttpResponseMessage response) =>
        (await ErrorAsync(response)).GetProperty("code").GetString();
}
