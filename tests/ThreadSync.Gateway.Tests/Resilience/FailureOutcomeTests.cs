using Microsoft.Extensions.AI;
using ThreadSync.Gateway.Pipeline.Internal;
using ThreadSync.Gateway.Providers.Internal;
using ThreadSync.Gateway.Tests.TestSupport;
using ThreadSync.Testing.FakeUpstreams;

namespace ThreadSync.Gateway.Tests.Resilience;

/// <summary>
/// How a failed request is classified for running it again (<see cref="FailureOutcome"/>), and the at-most-once mode an
/// idempotency key asks for: no retry and no fallback after an attempt whose outcome is unknown.
/// </summary>
public sealed class FailureOutcomeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Timeout_AtMostOnce_IsNotRetried_AndIsUncertain()
    {
        await using var gateway = await StartAsync(o => o.Providers.OpenAI.Timeout = TimeSpan.FromMilliseconds(300));
        gateway.Upstream.Enqueue(FakeReply.Text("too late").WithDelay(TimeSpan.FromSeconds(5)));
        gateway.Upstream.Enqueue(FakeReply.Text("must never be fetched"));
        var context = new GatewayRequestContext(GatewayCaller.InProcess) { AtMostOnce = true };

        var error = await Assert.ThrowsAsync<GatewayException>(() => gateway.Chat.GetResponseAsync("hi", Options(context), Ct));

        Assert.Equal(GatewayErrorCodes.UpstreamTimeout, error.Code);
        Assert.Equal(1, gateway.Upstream.RequestCount);
        Assert.Equal(FailureOutcome.Uncertain, context.FailureOutcome);
    }

    [Fact]
    public async Task Timeout_ThenSuccess_WithoutAtMostOnce_IsRetriedAsBefore()
    {
        await using var gateway = await StartAsync(o => o.Providers.OpenAI.Timeout = TimeSpan.FromMilliseconds(300));
        gateway.Upstream.Enqueue(FakeReply.Text("too late").WithDelay(TimeSpan.FromSeconds(5)));
        gateway.Upstream.Enqueue(FakeReply.Text("on time"));
        var context = new GatewayRequestContext(GatewayCaller.InProcess);

        var response = await gateway.Chat.GetResponseAsync("hi", Options(context), Ct);

        Assert.Equal("on time", response.Text);
        Assert.Equal(2, gateway.Upstream.RequestCount);
        Assert.Null(context.FailureOutcome);
    }

    [Fact]
    public async Task ErrorStatuses_AtMostOnce_AreStillRetried_AndTransient()
    {
        await using var gateway = await StartAsync();
        gateway.Upstream.Enqueue(FakeReply.Error(503, "Overloaded."));
        gateway.Upstream.Enqueue(FakeReply.Error(500, "Server error."));
        var context = new GatewayRequestContext(GatewayCaller.InProcess) { AtMostOnce = true };

        await Assert.ThrowsAsync<GatewayException>(() => gateway.Chat.GetResponseAsync("hi", Options(context), Ct));

        Assert.Equal(2, gateway.Upstream.RequestCount);
        Assert.Equal(FailureOutcome.Transient, context.FailureOutcome);
    }

    [Fact]
    public async Task ProviderRejectsTheRequest_IsDefinite()
    {
        await using var gateway = await StartAsync();
        gateway.Upstream.Enqueue(FakeReply.Error(400, "Invalid 'messages'."));
        var context = new GatewayRequestContext(GatewayCaller.InProcess) { AtMostOnce = true };

        await Assert.ThrowsAsync<GatewayException>(() => gateway.Chat.GetResponseAsync("hi", Options(context), Ct));

        Assert.Equal(FailureOutcome.Definite, context.FailureOutcome);
    }

    [Fact]
    public async Task UnknownModel_IsDefinite()
    {
        await using var gateway = await StartAsync();
        var context = new GatewayRequestContext(GatewayCaller.InProcess);

        await Assert.ThrowsAsync<GatewayException>(() => gateway.Chat.GetResponseAsync("hi", Options(context, "no-such-model"), Ct));

        Assert.Equal(FailureOutcome.Definite, context.FailureOutcome);
        Assert.Equal(0, gateway.Upstream.RequestCount);
    }

    [Fact]
    public async Task UnreadableAnswer_IsUncertain()
    {
        await using var gateway = await StartAsync();
        gateway.Upstream.Enqueue(FakeReply.Raw(200, "application/json", "{\"choices\": [ oops"));
        var context = new GatewayRequestContext(GatewayCaller.InProcess);

        await Assert.ThrowsAsync<GatewayException>(() => gateway.Chat.GetResponseAsync("hi", Options(context), Ct));

        Assert.Equal(FailureOutcome.Uncertain, context.FailureOutcome);
    }

    [Fact]
    public async Task ProviderUnreachable_IsTransient()
    {
        await using var gateway = await StartAsync(o => o.Providers.OpenAI.BaseUrl = "http://127.0.0.1:1/v1");
        var context = new GatewayRequestContext(GatewayCaller.InProcess) { AtMostOnce = true };

        var error = await Assert.ThrowsAsync<GatewayException>(() => gateway.Chat.GetResponseAsync("hi", Options(context), Ct));

        Assert.Equal(GatewayErrorCodes.UpstreamUnavailable, error.Code);
        Assert.Equal(FailureOutcome.Transient, context.FailureOutcome);
    }

    [Fact]
    public async Task StreamCutAfterItsFirstToken_IsUncertain_AndAFinishedStreamIsNot()
    {
        await using var gateway = await StartAsync();
        gateway.Upstream.Enqueue(FakeReply.StreamDropAfter(3));
        var cut = new GatewayRequestContext(GatewayCaller.InProcess) { AtMostOnce = true };
        var finished = new GatewayRequestContext(GatewayCaller.InProcess) { AtMostOnce = true };

        await Assert.ThrowsAsync<GatewayException>(() => gateway.StreamAsync([new ChatMessage(ChatRole.User, "hi")], Options(cut)));
        await gateway.StreamAsync([new ChatMessage(ChatRole.User, "hi")], Options(finished));

        Assert.Equal(FailureOutcome.Uncertain, cut.FailureOutcome);
        Assert.Null(finished.FailureOutcome);
    }

    [Fact]
    public async Task StreamAbandonedByTheCallerAfterItsFirstToken_IsUncertain()
    {
        await using var gateway = await StartAsync();
        var context = new GatewayRequestContext(GatewayCaller.InProcess);

        await foreach (var update in gateway.Chat.GetStreamingResponseAsync("one two three four", Options(context), Ct))
        {
            break;
        }

        Assert.Equal(FailureOutcome.Uncertain, context.FailureOutcome);
    }

    [Theory]
    [InlineData(HttpRequestError.ConnectionError, false)]
    [InlineData(HttpRequestError.NameResolutionError, false)]
    [InlineData(HttpRequestError.SecureConnectionError, false)]
    [InlineData(HttpRequestError.ResponseEnded, true)]
    [InlineData(HttpRequestError.InvalidResponse, true)]
    [InlineData(HttpRequestError.Unknown, true)]
    public void IsOutcomeUnknown_Unavailable_DependsOnWhetherAConnectionWasMade(HttpRequestError transport, bool unknown)
    {
        var failure = new ProviderException(GatewayProvider.OpenAI, ProviderFailureKind.Unavailable, "unreachable", innerException: new HttpRequestException(transport, "transport"));

        Assert.Equal(unknown, FailureClassifier.IsOutcomeUnknown(failure));
    }

    [Theory]
    [InlineData("Timeout", true)]
    [InlineData("StreamTruncated", true)]
    [InlineData("MalformedResponse", true)]
    [InlineData("Unavailable", true)]
    [InlineData("HttpError", false)]
    [InlineData("StreamError", false)]
    [InlineData("Unsupported", false)]
    public void IsOutcomeUnknown_ByKind(string kindName, bool unknown)
    {
        var kind = Enum.Parse<ProviderFailureKind>(kindName);
        var failure = new ProviderException(GatewayProvider.OpenAI, kind, "failed", statusCode: kind == ProviderFailureKind.HttpError ? 500 : null);

        Assert.Equal(unknown, FailureClassifier.IsOutcomeUnknown(failure));
    }

    [Theory]
    [InlineData(400, GatewayErrorCodes.InvalidParameter, FailureOutcome.Definite)]
    [InlineData(400, GatewayErrorCodes.UpstreamBadRequest, FailureOutcome.Definite)]
    [InlineData(404, GatewayErrorCodes.ModelNotFound, FailureOutcome.Definite)]
    [InlineData(410, GatewayErrorCodes.ModelRetired, FailureOutcome.Definite)]
    [InlineData(400, GatewayErrorCodes.NoRoute, FailureOutcome.Definite)]
    [InlineData(400, GatewayErrorCodes.ProviderNotConfigured, FailureOutcome.Transient)]
    [InlineData(402, GatewayErrorCodes.BudgetExceeded, FailureOutcome.Transient)]
    [InlineData(403, GatewayErrorCodes.ModelNotAllowed, FailureOutcome.Transient)]
    [InlineData(429, GatewayErrorCodes.RateLimitExceeded, FailureOutcome.Transient)]
    [InlineData(429, GatewayErrorCodes.UpstreamQuotaExhausted, FailureOutcome.Transient)]
    [InlineData(502, GatewayErrorCodes.UpstreamAuthFailed, FailureOutcome.Transient)]
    [InlineData(503, GatewayErrorCodes.UpstreamUnavailable, FailureOutcome.Transient)]
    [InlineData(503, GatewayErrorCodes.NoRoute, FailureOutcome.Transient)]
    [InlineData(500, GatewayErrorCodes.InternalError, FailureOutcome.Transient)]
    public void Classify_BeforeAnyCall_FollowsTheError(int status, string code, FailureOutcome expected)
    {
        var context = new GatewayRequestContext(GatewayCaller.InProcess);

        Assert.Equal(expected, FailureClassifier.Classify(new GatewayException(status, code, "failed"), context));
    }

    [Fact]
    public void Classify_AnAttemptInFlightOrUnknown_IsUncertainWhateverTheError()
    {
        var inFlight = new GatewayRequestContext(GatewayCaller.InProcess) { AttemptInFlight = true };
        var unknown = new GatewayRequestContext(GatewayCaller.InProcess) { UpstreamOutcomeUnknown = true };

        Assert.Equal(FailureOutcome.Uncertain, FailureClassifier.Classify(new OperationCanceledException(), inFlight));
        Assert.Equal(FailureOutcome.Uncertain, FailureClassifier.Classify(new GatewayException(503, GatewayErrorCodes.UpstreamOverloaded, "x"), unknown));
        Assert.Equal(FailureOutcome.Transient, FailureClassifier.Classify(new OperationCanceledException(), new GatewayRequestContext(GatewayCaller.InProcess)));
    }

    private static Task<GatewayUnderTest> StartAsync(Action<GatewayOptions>? configure = null) =>
        GatewayUnderTest.StartAsync(
            FakeProviderKind.OpenAI,
            options =>
            {
                options.Resilience.MaxAttempts = 3;
                options.Resilience.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
                options.Resilience.CircuitBreaker.Enabled = false;
                configure?.Invoke(options);
            });

    private static ChatOptions Options(GatewayRequestContext context, string model = "gpt-4o") =>
        new ChatOptions { ModelId = model }.WithGatewayContext(context);
}
