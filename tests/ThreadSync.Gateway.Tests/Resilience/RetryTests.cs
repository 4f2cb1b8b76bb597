using System.Diagnostics;
using Microsoft.Extensions.AI;
using ThreadSync.Gateway.Tests.TestSupport;
using ThreadSync.Testing.FakeUpstreams;

namespace ThreadSync.Gateway.Tests.Resilience;

/// <summary>
/// Retries on one model against a real fake upstream: what the caller receives, and how many upstream calls (each one
/// potentially billed by the provider) it took.
/// </summary>
public sealed class RetryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RateLimitWithRetryAfter_WaitsTheAdvertisedDelay_ThenSucceeds()
    {
        await using var gateway = await StartAsync(FakeProviderKind.OpenAI);
        gateway.Upstream.Enqueue(FakeReply.Error(429, "Rate limit reached.", retryAfter: TimeSpan.FromMilliseconds(300)));
        gateway.Upstream.Enqueue(FakeReply.Text("recovered"));
        var context = new GatewayRequestContext(GatewayCaller.InProcess);

        var clock = Stopwatch.StartNew();
        var response = await gateway.Chat.GetResponseAsync("hi", Options("gpt-4o", context), Ct);

        Assert.Equal("recovered", response.Text);
        Assert.Equal(2, gateway.Upstream.RequestCount);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(280), $"retried after {clock.Elapsed}, before the advertised 300 ms");
        Assert.Equal(RouteMethod.Pinned, context.RouteMethod);
        var failed = Assert.Single(context.FailedAttempts);
        Assert.Equal(GatewayErrorCodes.UpstreamRateLimited, failed.Outcome);
        Assert.Equal("gpt-4o", failed.ModelId);
    }

    [Fact]
    public async Task RetryAfterBeyondTheCap_IsNotWaitedFor_AndReachesTheClient()
    {
        await using var gateway = await StartAsync(FakeProviderKind.OpenAI, o => o.Resilience.MaxRetryDelay = TimeSpan.FromSeconds(2));
        gateway.Upstream.Enqueue(FakeReply.Error(429, "Rate limit reached.", retryAfter: TimeSpan.FromSeconds(30)));

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<GatewayException>(() => gateway.Chat.GetResponseAsync("hi", Options("gpt-4o"), Ct));

        Assert.Equal(429, error.StatusCode);
        Assert.Equal(GatewayErrorCodes.UpstreamRateLimited, error.Code);
        Assert.Equal(TimeSpan.FromSeconds(30), error.RetryAfter);
        Assert.Equal(1, gateway.Upstream.RequestCount);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the gateway waited for a Retry-After beyond its cap");
    }

    [Fact]
    public async Task ServerErrorThenSuccess_IsRetriedOnce()
    {
        await using var gateway = await StartAsync(FakeProviderKind.OpenAI);
        gateway.Upstream.Enqueue(FakeReply.Error(500, "The server had an error."));
        gateway.Upstream.Enqueue(FakeReply.Text("second time lucky"));

        var response = await gateway.Chat.GetResponseAsync("hi", Options("gpt-4o"), Ct);

        Assert.Equal("second time lucky", response.Text);
        Assert.Equal(2, gateway.Upstream.RequestCount);
    }

    [Fact]
    public async Task AnthropicOverloaded529_IsRetried()
    {
        await using var gateway = await StartAsync(FakeProviderKind.Anthropic);
        gateway.Upstream.Enqueue(FakeReply.Error(529, "Overloaded", "overloaded_error"));
        gateway.Upstream.Enqueue(FakeReply.Text("calm again"));

        var response = await gateway.Chat.GetResponseAsync("hi", Options("claude-sonnet-4-6"), Ct);

        Assert.Equal("calm again", response.Text);
        Assert.Equal(2, gateway.Upstream.RequestCount);
    }

    [Fact]
    public async Task QuotaExhausted_IsNeverRetried()
    {
        await using var gateway = await StartAsync(FakeProviderKind.OpenAI, o => o.Resilience.MaxRetriesPerModel = 3);
        gateway.Upstream.Enqueue(FakeReply.Error(429, "You exceeded your current quota.", "insufficient_quota", "insufficient_quota"));
        gateway.Upstream.Enqueue(FakeReply.Text("must never be fetched"));

        var error = await Assert.ThrowsAsync<GatewayException>(() => gateway.Chat.GetResponseAsync("hi", Options("gpt-4o"), Ct));

        Assert.Equal(GatewayErrorCodes.UpstreamQuotaExhausted, error.Code);
        Assert.Equal(1, gateway.Upstream.RequestCount);
    }

    [Fact]
    public async Task AnthropicSpendLimit_IsNeverRetried()
    {
        await using var gateway = await StartAsync(FakeProviderKind.Anthropic, o => o.Resilience.MaxRetriesPerModel = 3);
        gateway.Upstream.Enqueue(FakeReply.Error(429, "Spend limit reached.", "rate_limit_error", "enforced_spend_limit_reached"));

        var error = await Assert.ThrowsAsync<GatewayException>(() => gateway.Chat.GetResponseAsync("hi", Options("claude-sonnet-4-6"), Ct));

        Assert.Equal(GatewayErrorCodes.UpstreamQuotaExhausted, error.Code);
        Assert.Equal(1, gateway.Upstream.RequestCount);
    }

    [Fact]
    public async Task PersistentFailure_StopsAtTheAttemptBudget()
    {
        await using var gateway = await StartAsync(FakeProviderKind.OpenAI, o =>
        {
            o.Resilience.MaxAttempts = 3;
            o.Resilience.MaxRetriesPerModel = 5;
        });
        for (var i = 0; i < 6; i++)
        {
            gateway.Upstream.Enqueue(FakeReply.Error(503, "Service unavailable."));
        }

        var error = await Assert.ThrowsAsync<GatewayException>(() => gateway.Chat.GetResponseAsync("hi", Options("gpt-4o"), Ct));

        Assert.Equal(GatewayErrorCodes.UpstreamOverloaded, error.Code);
        Assert.Equal(3, gateway.Upstream.RequestCount);
    }

    [Fact]
    public async Task BadRequest_IsNotRetried()
    {
        await using var gateway = await StartAsync(FakeProviderKind.OpenAI);
        gateway.Upstream.Enqueue(FakeReply.Error(400, "Invalid 'messages'."));

        var error = await Assert.ThrowsAsync<GatewayException>(() => gateway.Chat.GetResponseAsync("hi", Options("gpt-4o"), Ct));

        Assert.Equal(GatewayErrorCodes.UpstreamBadRequest, error.Code);
        Assert.Equal(1, gateway.Upstream.RequestCount);
    }

    [Fact]
    public async Task ShouldRetryFalse_OverridesTheStatus()
    {
        await using var gateway = await StartAsync(FakeProviderKind.OpenAI);
        gateway.Upstream.Enqueue(FakeReply.Error(500, "Do not retry this.").WithHeaders(new Dictionary<string, string> { ["x-should-retry"] = "false" }));

        await Assert.ThrowsAsync<GatewayException>(() => gateway.Chat.GetResponseAsync("hi", Options("gpt-4o"), Ct));

        Assert.Equal(1, gateway.Upstream.RequestCount);
    }

    [Fact]
    public async Task HeadersThatNeverArrive_TimeOutAndAreRetriedOnce()
    {
        await using var gateway = await StartAsync(FakeProviderKind.OpenAI, o => o.Providers.OpenAI.Timeout = TimeSpan.FromMilliseconds(300));
        gateway.Upstream.Enqueue(FakeReply.Text("too late").WithDelay(TimeSpan.FromSeconds(20)));
        gateway.Upstream.Enqueue(FakeReply.Text("on time"));

        var response = await gateway.Chat.GetResponseAsync("hi", Options("gpt-4o"), Ct);

        Assert.Equal("on time", response.Text);
        Assert.Equal(2, gateway.Upstream.RequestCount);
    }

    [Fact]
    public async Task RequestTimeBudget_BoundsEveryAttempt()
    {
        await using var gateway = await StartAsync(FakeProviderKind.OpenAI, o => o.Resilience.RequestTimeout = TimeSpan.FromMilliseconds(500));
        gateway.Upstream.Enqueue(FakeReply.Text("too late").WithDelay(TimeSpan.FromSeconds(20)));
        gateway.Upstream.Enqueue(FakeReply.Text("too late as well").WithDelay(TimeSpan.FromSeconds(20)));

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<GatewayException>(() => gateway.Chat.GetResponseAsync("hi", Options("gpt-4o"), Ct));

        Assert.Equal(504, error.StatusCode);
        Assert.Equal(GatewayErrorCodes.UpstreamTimeout, error.Code);
        Assert.Equal(1, gateway.Upstream.RequestCount);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"the budget did not bound the call ({clock.Elapsed})");
    }

    [Fact]
    public async Task GarbageJson_IsAnUpstreamErrorWithoutRetry()
    {
        await using var gateway = await StartAsync(FakeProviderKind.OpenAI);
        gateway.Upstream.Enqueue(FakeReply.Raw(200, "application/json", "{\"id\": \"chatcmpl-1\", \"choices\": [ oops"));

        var error = await Assert.ThrowsAsync<GatewayException>(() => gateway.Chat.GetResponseAsync("hi", Options("gpt-4o"), Ct));

        Assert.Equal(502, error.StatusCode);
        Assert.Equal(GatewayErrorCodes.UpstreamError, error.Code);
        Assert.Equal(1, gateway.Upstream.RequestCount);
    }

    [Fact]
    public async Task Stream_FailureBeforeTheFirstToken_IsRetried()
    {
        await using var gateway = await StartAsync(FakeProviderKind.OpenAI);
        gateway.Upstream.Enqueue(FakeReply.Error(502, "Bad gateway."));
        gateway.Upstream.Enqueue(FakeReply.Text("streamed fine"));

        var updates = await gateway.StreamAsync([new ChatMessage(ChatRole.User, "hi")], Options("gpt-4o"));

        Assert.Equal("streamed fine", string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(2, gateway.Upstream.RequestCount);
    }

    [Theory]
    [InlineData(FakeProviderKind.OpenAI, "gpt-4o")]
    [InlineData(FakeProviderKind.Anthropic, "claude-sonnet-4-6")]
    [InlineData(FakeProviderKind.Gemini, "gemini-3.5-flash")]
    public async Task Stream_ErrorEventAfterTokens_EndsWithAnErrorNeverAFinish_AndIsNotRetried(FakeProviderKind kind, string model)
    {
        await using var gateway = await StartAsync(kind);
        gateway.Upstream.Enqueue(FakeReply.StreamErrorAfter(3, "Internal failure mid-stream."));
        gateway.Upstream.Enqueue(FakeReply.Text("must never be fetched"));

        var received = new List<ChatResponseUpdate>();
        var error = await Assert.ThrowsAsync<GatewayException>(async () =>
        {
            await foreach (var update in gateway.Chat.GetStreamingResponseAsync("hi", Options(model), Ct))
            {
                received.Add(update);
            }
        });

        Assert.StartsWith("chunk1 chunk2", string.Concat(received.Select(u => u.Text)), StringComparison.Ordinal);
        Assert.DoesNotContain(received, u => u.FinishReason is not null);
        Assert.True(error.StatusCode >= 500);
        Assert.Equal(1, gateway.Upstream.RequestCount);
    }

    [Fact]
    public async Task Stream_CutAfterTokens_EndsWithAnError_AndIsNotRetried()
    {
        await using var gateway = await StartAsync(FakeProviderKind.OpenAI);
        gateway.Upstream.Enqueue(FakeReply.StreamDropAfter(3));
        gateway.Upstream.Enqueue(FakeReply.Text("must never be fetched"));

        var received = new List<ChatResponseUpdate>();
        var error = await Assert.ThrowsAsync<GatewayException>(async () =>
        {
            await foreach (var update in gateway.Chat.GetStreamingResponseAsync("hi", Options("gpt-4o"), Ct))
            {
                received.Add(update);
            }
        });

        Assert.Contains("chunk1", string.Concat(received.Select(u => u.Text)), StringComparison.Ordinal);
        Assert.Equal(GatewayErrorCodes.UpstreamError, error.Code);
        Assert.Equal(1, gateway.Upstream.RequestCount);
    }

    [Fact]
    public async Task Stream_WithoutAFirstTokenInTime_IsAbandonedAndRetried()
    {
        await using var gateway = await StartAsync(
            FakeProviderKind.OpenAI,
            o => o.Resilience.FirstTokenTimeout = TimeSpan.FromMilliseconds(300),
            new FakeProviderOptions { StreamChunkDelayMilliseconds = 5_000 });

        var error = await Assert.ThrowsAsync<GatewayException>(() => gateway.StreamAsync([new ChatMessage(ChatRole.User, "hi")], Options("gpt-4o")));

        Assert.Equal(GatewayErrorCodes.UpstreamTimeout, error.Code);
        Assert.Equal(2, gateway.Upstream.RequestCount);
    }

    private static Task<GatewayUnderTest> StartAsync(FakeProviderKind kind, Action<GatewayOptions>? configure = null, FakeProviderOptions? fakeOptions = null) =>
        GatewayUnderTest.StartAsync(
            kind,
            options =>
            {
                options.Resilience.MaxAttempts = 3;
                options.Resilience.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
                options.Resilience.CircuitBreaker.Enabled = false;
                configure?.Invoke(options);
            },
            fakeOptions);

    private static ChatOptions Options(string model, GatewayRequestContext? context = null)
    {
        var options = new ChatOptions { ModelId = model };
        return context is null ? options : options.WithGatewayContext(context);
    }
}
