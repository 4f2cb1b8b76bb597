using System.Net;
using ThreadSync.Gateway;
using ThreadSync.Testing.FakeUpstreams;

namespace ThreadSync.Hosting.Tests.Idempotency;

/// <summary>
/// With an idempotency key the gateway calls a provider at most once: after an attempt whose outcome is unknown (a
/// timeout once the request was sent) it neither retries nor falls back, where without a key it would.
/// </summary>
public sealed class IdempotencyFailoverTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TimeoutAfterSending_WithAKey_NoRetryNoFallback_AndTheKeyIsQuarantined()
    {
        await using var server = await FailoverServer.StartAsync(new() { ["ThreadSync:Providers:OpenAI:Timeout"] = "00:00:00.500" });
        server.OpenAI.Enqueue(FakeReply.Text("Too late.").WithDelay(TimeSpan.FromSeconds(2)));

        var first = await PostAsync(server, "at-most-once");
        var retry = await PostAsync(server, "at-most-once");

        Assert.Equal(HttpStatusCode.GatewayTimeout, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, retry.StatusCode);
        Assert.Contains(GatewayErrorCodes.IdempotencyOutcomeUncertain, await retry.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(1, server.OpenAI.RequestCount);
        Assert.Equal(0, server.Anthropic.RequestCount);
        Assert.Equal(0, server.Gemini.RequestCount);
    }

    [Fact]
    public async Task TimeoutAfterSending_WithoutAKey_FallsBackAsBefore()
    {
        await using var server = await FailoverServer.StartAsync(new() { ["ThreadSync:Providers:OpenAI:Timeout"] = "00:00:00.500" });
        server.OpenAI.Enqueue(FakeReply.Text("Too late.").WithDelay(TimeSpan.FromSeconds(2)));
        server.OpenAI.Enqueue(FakeReply.Text("Too late again.").WithDelay(TimeSpan.FromSeconds(2)));

        using var response = await PostAsync(server, idempotencyKey: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("claude-sonnet-4-6", response.Headers.GetValues("x-threadsync-model").Single());
        Assert.Equal(1, server.Anthropic.RequestCount);
    }

    [Fact]
    public async Task ProviderErrorStatus_WithAKey_StillFallsBack_AndTheAnswerIsStored()
    {
        await using var server = await FailoverServer.StartAsync();
        server.OpenAI.Enqueue(FakeReply.Error(503, "overloaded"));
        server.OpenAI.Enqueue(FakeReply.Error(503, "overloaded"));

        using var first = await PostAsync(server, "falls-back");
        using var replay = await PostAsync(server, "falls-back");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("claude-sonnet-4-6", first.Headers.GetValues("x-threadsync-model").Single());
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(Ct), await replay.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal(2, server.OpenAI.RequestCount);
        Assert.Equal(1, server.Anthropic.RequestCount);
    }

    private static Task<HttpResponseMessage> PostAsync(FailoverServer server, string? idempotencyKey)
    {
        var request = IdempotentClient.Request(server.BaseUrl, ServerUnderTest.ClientKey, idempotencyKey, IdempotentClient.Body());
        return server.Http.SendAsync(request, Ct);
    }
}
