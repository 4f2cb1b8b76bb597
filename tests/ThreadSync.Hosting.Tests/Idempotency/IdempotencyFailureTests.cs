using System.Net;
using ThreadSync.Gateway;
using ThreadSync.Gateway.Governance;
using ThreadSync.Gateway.Storage;
using ThreadSync.Hosting.Tests.Governance;
using ThreadSync.Testing.FakeUpstreams;
using static ThreadSync.Hosting.Tests.Idempotency.IdempotentClient;

namespace ThreadSync.Hosting.Tests.Idempotency;

/// <summary>
/// What a failure does to an idempotency key: a definite failure is stored and replayed, a transient one frees the key
/// so a retry runs, an uncertain one (the request may have run upstream) quarantines it with 409.
/// </summary>
public sealed class IdempotencyFailureTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ProviderRejectsTheRequest_TheErrorIsStoredAndReplayed()
    {
        await using var server = await GovernedServer.StartAsync();
        var secret = await server.CreateKeyAsync("acme");
        server.OpenAI.Enqueue(FakeReply.Error(400, "max_tokens is too large for this model", code: "invalid_value"));

        var first = await SendAsync(server, secret, "bad-1");
        var retry = await SendAsync(server, secret, "bad-1");

        Assert.Equal(HttpStatusCode.BadRequest, first.Status);
        Assert.Equal(GatewayErrorCodes.UpstreamBadRequest, first.ErrorCode);
        Assert.False(first.Replayed);
        Assert.True(retry.Replayed);
        Assert.Equal(HttpStatusCode.BadRequest, retry.Status);
        Assert.Equal(first.Body, retry.Body);
        Assert.Equal(1, server.OpenAI.RequestCount);
    }

    [Theory]
    [InlineData("""{"model": "gpt-4o", "max_tokens": 20}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}], "max_tokens": -1}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"model": "no-such-model", "messages": [{"role": "user", "content": "hi"}]}""", HttpStatusCode.NotFound)]
    [InlineData("""not json""", HttpStatusCode.BadRequest)]
    public async Task GatewayRejectsTheRequest_TheErrorIsStoredAndReplayed(string body, HttpStatusCode status)
    {
        await using var server = await GovernedServer.StartAsync();
        var secret = await server.CreateKeyAsync("acme");

        var first = await SendAsync(server, secret, "invalid", body);
        var retry = await SendAsync(server, secret, "invalid", body);

        Assert.Equal(status, first.Status);
        Assert.True(retry.Replayed);
        Assert.Equal(first.Status, retry.Status);
        Assert.Equal(first.Body, retry.Body);
        Assert.Equal(0, server.OpenAI.RequestCount);
    }

    [Theory]
    [InlineData(503, GatewayErrorCodes.UpstreamOverloaded)]
    [InlineData(500, GatewayErrorCodes.UpstreamError)]
    [InlineData(429, GatewayErrorCodes.UpstreamRateLimited)]
    [InlineData(401, GatewayErrorCodes.UpstreamAuthFailed)]
    public async Task ProviderFailsTransiently_TheKeyIsFreed_AndTheRetryRuns(int upstreamStatus, string code)
    {
        await using var server = await GovernedServer.StartAsync();
        var secret = await server.CreateKeyAsync("acme");
        server.OpenAI.Enqueue(FakeReply.Error(upstreamStatus, "try again"));

        var first = await SendAsync(server, secret, "flaky");
        var retry = await SendAsync(server, secret, "flaky");
        var replay = await SendAsync(server, secret, "flaky");

        Assert.Equal(code, first.ErrorCode);
        Assert.Equal(HttpStatusCode.OK, retry.Status);
        Assert.False(retry.Replayed);
        Assert.True(replay.Replayed);
        Assert.Equal(retry.Body, replay.Body);
        Assert.Equal(2, server.OpenAI.RequestCount);
    }

    [Fact]
    public async Task ProviderUnreachable_TheKeyIsFreed()
    {
        // Nothing listens on port 1: the connection is refused before anything is sent.
        await using var server = await GovernedServer.StartAsync(new() { ["ThreadSync:Providers:Anthropic:BaseUrl"] = "http://127.0.0.1:1/" });
        var secret = await server.CreateKeyAsync("acme");
        var body = Body(model: "claude-sonnet-4-6");

        var first = await SendAsync(server, secret, "unreachable", body);
        var retry = await SendAsync(server, secret, "unreachable", body);

        Assert.Equal(GatewayErrorCodes.UpstreamUnavailable, first.ErrorCode);
        Assert.Equal(GatewayErrorCodes.UpstreamUnavailable, retry.ErrorCode);
        Assert.False(retry.Replayed);
    }

    [Fact]
    public async Task RefusedByBudgetOrPolicy_TheKeyIsFreed_AndRunsOnceAllowed()
    {
        await using var server = await GovernedServer.StartAsync();
        var secret = await server.CreateKeyAsync("acme", orgLimits: new QuotaLimits { DailyUsd = 0.000000001m }, access: new AccessRules { DeniedModels = ["gpt-4o"] });
        var keyId = await server.KeyIdOfAsync(secret);

        var forbidden = await SendAsync(server, secret, "governed");
        var key = (await server.Stores.Governance.GetKeyAsync(keyId, Ct))!;
        Assert.True(await server.Stores.Governance.UpdateKeyAsync(key with { Access = AccessRules.AllowAll }, Ct));
        var overBudget = await SendAsync(server, secret, "governed");
        var org = (await server.Stores.Governance.GetOrgAsync("acme", Ct))!;
        Assert.True(await server.Stores.Governance.UpdateOrgAsync(org with { Limits = QuotaLimits.None }, Ct));
        var allowed = await SendAsync(server, secret, "governed");

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.Status);
        Assert.Equal(HttpStatusCode.PaymentRequired, overBudget.Status);
        Assert.Equal(HttpStatusCode.OK, allowed.Status);
        Assert.False(allowed.Replayed);
        Assert.Equal(1, server.OpenAI.RequestCount);
    }

    [Fact]
    public async Task UpstreamTimesOutAfterTheRequestWasSent_TheKeyIsQuarantined()
    {
        await using var server = await GovernedServer.StartAsync(new() { ["ThreadSync:Providers:OpenAI:Timeout"] = "00:00:00.500" });
        var secret = await server.CreateKeyAsync("acme");
        server.OpenAI.Enqueue(FakeReply.Text("Too late.").WithDelay(TimeSpan.FromSeconds(2)));

        var first = await SendAsync(server, secret, "timed-out");
        var retry = await SendAsync(server, secret, "timed-out");
        var again = await SendAsync(server, secret, "timed-out");

        Assert.Equal(HttpStatusCode.GatewayTimeout, first.Status);
        Assert.Equal(GatewayErrorCodes.UpstreamTimeout, first.ErrorCode);
        foreach (var refused in new[] { retry, again })
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.Status);
            Assert.Equal(GatewayErrorCodes.IdempotencyOutcomeUncertain, refused.ErrorCode);
            Assert.Contains("may have been executed and billed", refused.Text, StringComparison.Ordinal);
            Assert.Equal("false", refused.ShouldRetry);
            Assert.False(refused.Replayed);
        }

        Assert.Equal(1, server.OpenAI.RequestCount);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(server, secret, "a-new-key")).Status);
    }

    [Fact]
    public async Task ConnectionDroppedBeforeTheAnswer_TheKeyIsQuarantined()
    {
        await using var server = await GovernedServer.StartAsync();
        var secret = await server.CreateKeyAsync("acme");
        server.OpenAI.Enqueue(FakeReply.StreamDropAfter(0));

        var first = await SendAsync(server, secret, "dropped");
        var retry = await SendAsync(server, secret, "dropped");

        Assert.Equal(HttpStatusCode.BadGateway, first.Status);
        Assert.Equal(HttpStatusCode.Conflict, retry.Status);
        Assert.Equal(GatewayErrorCodes.IdempotencyOutcomeUncertain, retry.ErrorCode);
        Assert.Equal(1, server.OpenAI.RequestCount);
    }

    [Theory]
    [InlineData(ChatCompletions)]
    [InlineData(Messages)]
    [InlineData(LlmChat)]
    public async Task StreamBrokenAfterItsFirstToken_TheKeyIsQuarantined(string path)
    {
        await using var server = await GovernedServer.StartAsync();
        var secret = await server.CreateKeyAsync("acme");
        server.OpenAI.Enqueue(FakeReply.StreamDropAfter(3));

        var first = await SendAsync(server, secret, "cut", path: path, stream: true);
        var retry = await SendAsync(server, secret, "cut", path: path, stream: true);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Contains("chunk1", first.Text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, retry.Status);
        Assert.Equal(GatewayErrorCodes.IdempotencyOutcomeUncertain, retry.ErrorCode);
        Assert.Equal(1, server.OpenAI.RequestCount);
        var ledger = await server.LedgerAsync(await server.KeyIdOfAsync(secret));
        Assert.Equal(UsageVerdicts.Failed, Assert.Single(ledger).Verdict);
    }
}
