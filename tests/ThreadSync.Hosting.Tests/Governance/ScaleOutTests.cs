using System.Net;
using System.Text.Json;
using ThreadSync.Gateway.Governance;
using ThreadSync.Gateway.Storage;
using ThreadSync.Gateway.Tests.Storage;

namespace ThreadSync.Hosting.Tests.Governance;

/// <summary>
/// Two reference servers sharing one PostgreSQL database hold every limit and budget exactly under concurrent load,
/// see each other's revocations at once, and extend one audit chain.
/// </summary>
public sealed class ScaleOutTests
{
    [Fact]
    public async Task TwoInstances_RacingTenPerHour_ExactlyTenSucceedInAll()
    {
        await using var database = await PostgresTestServer.CreateDatabaseAsync();
        await using var a = await GovernedServer.StartOnPostgresAsync(database);
        await using var b = await GovernedServer.StartOnPostgresAsync(database);
        var secret = await a.CreateKeyAsync("acme", keyLimits: new QuotaLimits { RequestsPerHour = 10 });

        var responses = await GovernedServer.RaceAsync(100, i => (i % 2 == 0 ? a : b).ChatAsync(secret));

        Assert.Equal(10, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(90, responses.Count(r => r.StatusCode == (HttpStatusCode)429));
        Assert.Equal(10, a.OpenAI.RequestCount + b.OpenAI.RequestCount);
        Assert.Equal(100, (await b.LedgerAsync(await b.KeyIdOfAsync(secret))).Count);
    }

    [Fact]
    public async Task TwoInstances_RacingATeamUsdBudget_NeverOverspend_AndTheLedgerMatchesTheUpstream()
    {
        await using var database = await PostgresTestServer.CreateDatabaseAsync();
        await using var a = await GovernedServer.StartOnPostgresAsync(database);
        await using var b = await GovernedServer.StartOnPostgresAsync(database);
        const decimal budget = 0.002m;
        var secret = await a.CreateKeyAsync("acme", teamId: "research", teamLimits: new QuotaLimits { DailyUsd = budget });

        var responses = await GovernedServer.RaceAsync(100, i => (i % 2 == 0 ? a : b).ChatAsync(secret, maxTokens: 50));

        var served = responses.Where(r => r.StatusCode == HttpStatusCode.OK).ToList();
        Assert.NotEmpty(served);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.PaymentRequired, r.StatusCode));
        Assert.Equal(served.Count, a.OpenAI.RequestCount + b.OpenAI.RequestCount);
        long output = 0;
        foreach (var response in served)
        {
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            output += json.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt64();
        }

        var ledger = (await a.LedgerAsync(await a.KeyIdOfAsync(secret))).Where(r => r.Verdict == UsageVerdicts.Ok).ToList();
        Assert.Equal(served.Count, ledger.Count);
        Assert.Equal(output, ledger.Sum(r => r.OutputTokens));
        var spent = ledger.Sum(r => r.CostUsd);
        Assert.True(spent > 0 && spent <= budget, $"spent {spent} of {budget}");
    }

    [Fact]
    public async Task TwoInstances_UnderConcurrentLoad_ExtendOneAuditChain_WithEveryRequestInIt()
    {
        await using var database = await PostgresTestServer.CreateDatabaseAsync();
        await using var a = await GovernedServer.StartOnPostgresAsync(database);
        await using var b = await GovernedServer.StartOnPostgresAsync(database);
        var secret = await a.CreateKeyAsync("acme", keyLimits: new QuotaLimits { RequestsPerHour = 60 });

        var responses = await GovernedServer.RaceAsync(100, i => (i % 2 == 0 ? a : b).ChatAsync(secret, stream: i % 4 < 2));

        var chain = new List<Gateway.Audit.AuditRecord>();
        await foreach (var record in b.Stores.Audit.ReadAsync(cancellationToken: TestContext.Current.CancellationToken))
        {
            chain.Add(record);
        }

        Assert.Equal(Enumerable.Range(0, 101).Select(i => (long)i), chain.Select(r => r.Sequence));
        Assert.Equal(
            responses.Select(r => r.Headers.GetValues("x-request-id").Single()).Order(),
            chain.Skip(1).Select(r => r.CorrelationId!).Order());
        Assert.Equal(60, chain.Count(r => r.Verdict == UsageVerdicts.Ok));
        Assert.Equal(40, chain.Count(r => r.Verdict == UsageVerdicts.RateLimited));
        var verification = await a.Stores.Audit.VerifyAsync(TestContext.Current.CancellationToken);
        Assert.True(verification.Valid, verification.Detail);
        Assert.Equal(101, verification.Records);
    }

    [Fact]
    public async Task Revocation_OnOneInstance_IsRefusedByTheOtherOnTheNextRequest()
    {
        await using var database = await PostgresTestServer.CreateDatabaseAsync();
        await using var a = await GovernedServer.StartOnPostgresAsync(database);
        await using var b = await GovernedServer.StartOnPostgresAsync(database);
        var secret = await a.CreateKeyAsync("acme");

        using var before = await b.ChatAsync(secret);
        Assert.True(await a.Stores.Governance.RevokeKeyAsync(await a.KeyIdOfAsync(secret), DateTimeOffset.UtcNow, TestContext.Current.CancellationToken));
        using var after = await b.ChatAsync(secret);

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task TwoInstances_ShareOneConversation_EveryTurnKeptOnce_AndEachSeesTheOthersTurns()
    {
        await using var database = await PostgresTestServer.CreateDatabaseAsync();
        await using var a = await GovernedServer.StartOnPostgresAsync(database);
        await using var b = await GovernedServer.StartOnPostgresAsync(database);
        var secret = await a.CreateKeyAsync("acme", orgPolicy: new OrgPolicy { ConversationCapture = ConversationCapture.Full });
        var conversation = "scale-" + Guid.NewGuid().ToString("N");
        var ct = TestContext.Current.CancellationToken;

        var responses = await GovernedServer.RaceAsync(20, i => (i % 2 == 0 ? a : b).ChatAsync(secret, conversationId: conversation, userText: $"note {i}"));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        var turns = await a.Stores.Conversations.ListTurnsAsync(conversation, 0, ct);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => (long)i), turns.Select(t => t.Sequence));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"note {i}").Order(StringComparer.Ordinal), turns.Where(t => t.Role == "user").Select(t => t.Content!).Order(StringComparer.Ordinal));

        // The next turn on either instance carries all forty remembered turns.
        using var next = await b.ChatAsync(secret, conversationId: conversation, userText: "summing up");
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal(41, b.OpenAI.LastRequest.Json.GetProperty("messages").GetArrayLength());
    }
}
