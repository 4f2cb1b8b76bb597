using Microsoft.Extensions.AI;
using ThreadSync.Gateway.Tests.TestSupport;
using ThreadSync.Testing.FakeUpstreams;

namespace ThreadSync.Gateway.Tests.Providers;

public sealed class ProviderErrorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<FakeProviderKind, string> Providers => new()
    {
        { FakeProviderKind.OpenAI, "gpt-4o" },
        { FakeProviderKind.XAI, "grok-4.3" },
        { FakeProviderKind.Perplexity, "sonar" },
    };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task UpstreamStatus_MapsToStableGatewayError(FakeProviderKind kind, string model)
    {
        await using var gateway = await GatewayUnderTest.StartAsync(kind);
        (int Upstream, int Status, string Code)[] cases =
        [
            (400, 400, GatewayErrorCodes.UpstreamBadRequest),
            (401, 502, GatewayErrorCodes.UpstreamAuthFailed),
            (403, 502, GatewayErrorCodes.UpstreamAuthFailed),
            (404, 404, GatewayErrorCodes.ModelNotFound),
            (429, 429, GatewayErrorCodes.UpstreamRateLimited),
            (500, 502, GatewayErrorCodes.UpstreamError),
            (503, 503, GatewayErrorCodes.UpstreamOverloaded),
        ];

        foreach (var (upstream, status, code) in cases)
        {
            gateway.Upstream.Enqueue(FakeReply.Error(upstream, $"upstream said {upstream}", retryAfter: TimeSpan.FromSeconds(3)));
            var error = await Assert.ThrowsAsync<GatewayException>(() => gateway.Chat.GetResponseAsync("hi", new ChatOptions { ModelId = model }, Ct));
            Assert.Equal(status, error.StatusCode);
            Assert.Equal(code, error.Code);
            if (upstream == 429)
            {
                Assert.Equal(TimeSpan.FromSeconds(3), error.RetryAfter);
            }
        }
    }

    [Fact]
    public async Task InsufficientQuota_IsNotReportedAsRetryableRateLimit()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.OpenAI);
        gateway.Upstream.Enqueue(FakeReply.Error(429, "You exceeded your current quota.", "insufficient_quota", "insufficient_quota"));

        var error = await Assert.ThrowsAsync<GatewayException>(() => gateway.Chat.GetResponseAsync("hi", new ChatOptions { ModelId = "gpt-4o" }, Ct));

        Assert.Equal(GatewayErrorCodes.UpstreamQuotaExhausted, error.Code);
        Assert.Null(error.RetryAfter);
    }

    [Fact]
    public async Task UpstreamRejectingGatewayKey_NeverLeaksKeyOrUpstreamText()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.OpenAI, o => o.Providers.OpenAI.ApiKey = "sk-live-SECRET-0123456789abcdef");

        var error = await Assert.ThrowsAsync<GatewayException>(() => gateway.Chat.GetResponseAsync("hi", new ChatOptions { ModelId = "gpt-4o" }, Ct));

        Assert.Equal(GatewayErrorCodes.UpstreamAuthFailed, error.Code);
        Assert.DoesNotContain("SECRET", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Incorrect API key", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpstreamBadRequestMessage_IsRelayedWithUrlsRedacted()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.OpenAI);
        gateway.Upstream.Enqueue(FakeReply.Error(400, "Invalid 'temperature': see https://platform.example/docs?key=abc for details."));

        var error = await Assert.ThrowsAsync<GatewayException>(() => gateway.Chat.GetResponseAsync("hi", new ChatOptions { ModelId = "gpt-4o" }, Ct));

        Assert.Contains("Invalid 'temperature'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ErrorAfterStreamStarted_SurfacesAsErrorNotCleanFinish(FakeProviderKind kind, string model)
    {
        await using var gateway = await GatewayUnderTest.StartAsync(kind);
        gateway.Upstream.Enqueue(FakeReply.StreamErrorAfter(2, "Overloaded"));
        var received = new List<string>();

        var error = await Assert.ThrowsAsync<GatewayException>(async () =>
        {
            await foreach (var update in gateway.Chat.GetStreamingResponseAsync("hi", new ChatOptions { ModelId = model }, Ct))
            {
                received.Add(update.Text);
            }
        });

        Assert.Equal(502, error.StatusCode);
        Assert.Equal(GatewayErrorCodes.UpstreamError, error.Code);
        Assert.DoesNotContain("Overloaded", error.Message, StringComparison.Ordinal); // the provider's text goes to the log only
        Assert.Contains("upstream_message=Overloaded", error.LogDetail, StringComparison.Ordinal);
        Assert.Contains("chunk1 ", received);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ConnectionDroppedMidStream_IsAnError(FakeProviderKind kind, string model)
    {
        await using var gateway = await GatewayUnderTest.StartAsync(kind);
        gateway.Upstream.Enqueue(FakeReply.StreamDropAfter(2));

        var error = await Assert.ThrowsAsync<GatewayException>(async () =>
        {
            await foreach (var update in gateway.Chat.GetStreamingResponseAsync("hi", new ChatOptions { ModelId = model }, Ct))
            {
                _ = update;
            }
        });

        Assert.Equal(GatewayErrorCodes.UpstreamError, error.Code);
    }

    [Fact]
    public async Task UnreachableProvider_IsUpstreamUnavailable()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.OpenAI, o => o.Providers.OpenAI.BaseUrl = "http://127.0.0.1:1/v1");

        var error = await Assert.ThrowsAsync<GatewayException>(() => gateway.Chat.GetResponseAsync("hi", new ChatOptions { ModelId = "gpt-4o" }, Ct));

        Assert.Equal(502, error.StatusCode);
        Assert.Equal(GatewayErrorCodes.UpstreamUnavailable, error.Code);
        Assert.DoesNotContain("127.0.0.1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SlowProvider_TimesOutWithUpstreamTimeout()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.OpenAI, o => o.Providers.OpenAI.Timeout = TimeSpan.FromMilliseconds(200));
        gateway.Upstream.Enqueue(FakeReply.Text("late").WithDelay(TimeSpan.FromSeconds(10)));

        var error = await Assert.ThrowsAsync<GatewayException>(() => gateway.Chat.GetResponseAsync("hi", new ChatOptions { ModelId = "gpt-4o" }, Ct));

        Assert.Equal(504, error.StatusCode);
        Assert.Equal(GatewayErrorCodes.UpstreamTimeout, error.Code);
    }

    [Fact]
    public async Task Cancellation_StopsTheCallWithOperationCanceled()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.OpenAI);
        gateway.Upstream.Enqueue(FakeReply.Text("late").WithDelay(TimeSpan.FromSeconds(30)));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var call = gateway.Chat.GetResponseAsync("hi", new ChatOptions { ModelId = "gpt-4o" }, cts.Token);
        while (gateway.Upstream.RequestCount == 0)
        {
            await Task.Yield();
        }

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
    }
}
