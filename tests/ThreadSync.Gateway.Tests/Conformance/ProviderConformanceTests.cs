using System.Text.Json;
using Microsoft.Extensions.AI;
using ThreadSync.Gateway.Tests.TestSupport;
using ThreadSync.Testing.FakeUpstreams;

namespace ThreadSync.Gateway.Tests.Conformance;

/// <summary>
/// One suite, every provider: each test runs the real gateway against each provider's fake upstream (real HTTP on
/// loopback, the provider's exact wire format) and checks the same normalized behaviour. A provider that lacks a
/// feature must refuse it with a clear error before calling upstream, never drop it silently.
/// </summary>
public sealed class ProviderConformanceTests
{
    private static readonly JsonElement WeatherSchema = JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""").RootElement;

    // A 1×1 transparent PNG.
    private const string PixelPngBase64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<FakeProviderKind> AllProviders => new()
    {
        FakeProviderKind.OpenAI,
        FakeProviderKind.Anthropic,
        FakeProviderKind.Gemini,
        FakeProviderKind.XAI,
        FakeProviderKind.Perplexity,
    };

    [Theory]
    [MemberData(nameof(AllProviders))]
    public async Task PlainText_ReturnsTextFinishUsageAndCost(FakeProviderKind kind)
    {
        var profile = ProviderProfile.For(kind);
        await using var gateway = await GatewayUnderTest.StartAsync(kind);
        var (wireUsage, expected) = profile.Usage;
        gateway.Upstream.Enqueue(FakeReply.Text("Paris is the capital.", wireUsage));

        var response = await gateway.Chat.GetResponseAsync("Capital of France?", new ChatOptions { ModelId = profile.Model }, Ct);

        Assert.Equal("Paris is the capital.", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.False(profile.IsStreamRequest(gateway.Upstream.LastRequest));
        Assert.Equal([new WireTurn("user", "Capital of France?")], profile.Turns(gateway.Upstream.LastRequest.Json));
        AssertUsage(expected, response.GetGatewayContext()!);
    }

    [Theory]
    [MemberData(nameof(AllProviders))]
    public async Task SystemPrompt_ReachesProviderInItsOwnPlace(FakeProviderKind kind)
    {
        var profile = ProviderProfile.For(kind);
        await using var gateway = await GatewayUnderTest.StartAsync(kind);

        await gateway.Chat.GetResponseAsync(
            [new ChatMessage(ChatRole.System, "You are terse."), new ChatMessage(ChatRole.User, "hi")],
            new ChatOptions { ModelId = profile.Model },
            Ct);

        var body = gateway.Upstream.LastRequest.Json;
        Assert.Equal("You are terse.", profile.SystemText(body));
        Assert.Equal([new WireTurn("user", "hi")], profile.Turns(body));
    }

    [Theory]
    [MemberData(nameof(AllProviders))]
    public async Task MultiTurn_KeepsOrderRolesAndText(FakeProviderKind kind)
    {
        var profile = ProviderProfile.For(kind);
        await using var gateway = await GatewayUnderTest.StartAsync(kind);
        gateway.Upstream.Enqueue(FakeReply.Text("Blue."));

        var response = await gateway.Chat.GetResponseAsync(
            [
                new ChatMessage(ChatRole.User, "My favourite colour is blue."),
                new ChatMessage(ChatRole.Assistant, "Noted."),
                new ChatMessage(ChatRole.User, "What is my favourite colour?"),
            ],
            new ChatOptions { ModelId = profile.Model },
            Ct);

        Assert.Equal("Blue.", response.Text);
        Assert.Equal(
            [new WireTurn("user", "My favourite colour is blue."), new WireTurn("assistant", "Noted."), new WireTurn("user", "What is my favourite colour?")],
            profile.Turns(gateway.Upstream.LastRequest.Json));
    }

    [Theory]
    [MemberData(nameof(AllProviders))]
    public async Task HistoryWithOutputOnlyContent_IsAccepted(FakeProviderKind kind)
    {
        // What an in-process caller gets back and appends to its history: usage, a refusal, empty text, reasoning
        // with no signature. None of it is conversation; no provider may reject the next turn because of it.
        var profile = ProviderProfile.For(kind);
        await using var gateway = await GatewayUnderTest.StartAsync(kind);
        gateway.Upstream.Enqueue(FakeReply.Text("Sure."));

        var response = await gateway.Chat.GetResponseAsync(
            [
                new ChatMessage(ChatRole.User, "Tell me something."),
                new ChatMessage(ChatRole.Assistant, [new TextContent(string.Empty), new TextReasoningContent("thinking aloud"), new ErrorContent("I can't.") { ErrorCode = GatewayContentKeys.RefusalErrorCode }, new UsageContent(new UsageDetails { InputTokenCount = 3 })]),
                new ChatMessage(ChatRole.User, "Try again."),
            ],
            new ChatOptions { ModelId = profile.Model },
            Ct);

        Assert.Equal("Sure.", response.Text);
        Assert.EndsWith("Try again.", profile.Turns(gateway.Upstream.LastRequest.Json)[^1].Text, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllProviders))]
    public async Task StopSequencesAndTemperature_AreSent(FakeProviderKind kind)
    {
        var profile = ProviderProfile.For(kind);
        await using var gateway = await GatewayUnderTest.StartAsync(kind);
        gateway.Upstream.Enqueue(FakeReply.Text("one two").WithStopSequence("END"));

        var response = await gateway.Chat.GetResponseAsync("count", new ChatOptions { ModelId = profile.Model, StopSequences = ["END", "STOP"], Temperature = 0.25f }, Ct);

        var body = gateway.Upstream.LastRequest.Json;
        Assert.Equal(["END", "STOP"], profile.StopSequences(body));
        Assert.Equal(0.25, profile.Temperature(body)!.Value, 3);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
    }

    [Theory]
    [MemberData(nameof(AllProviders))]
    public async Task MaxTokens_IsSentAndLengthFinishIsNormalized(FakeProviderKind kind)
    {
        var profile = ProviderProfile.For(kind);
        await using var gateway = await GatewayUnderTest.StartAsync(kind);
        gateway.Upstream.Enqueue(FakeReply.Text("one two three", finishReason: "length"));

        var response = await gateway.Chat.GetResponseAsync("count", new ChatOptions { ModelId = profile.Model, MaxOutputTokens = 3 }, Ct);

        Assert.Equal(3, profile.MaxTokens(gateway.Upstream.LastRequest.Json));
        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal("one two three", response.Text);
    }

    [Theory]
    [MemberData(nameof(AllProviders))]
    public async Task ToolCall_RoundTripsWithArgumentsAndResultLinkage(FakeProviderKind kind)
    {
        var profile = ProviderProfile.For(kind);
        await using var gateway = await GatewayUnderTest.StartAsync(kind);
        var options = WeatherToolOptions(profile);

        if (!profile.SupportsTools)
        {
            var refused = await Assert.ThrowsAsync<GatewayException>(() => gateway.Chat.GetResponseAsync("Weather in Paris?", options, Ct));
            Assert.Equal(400, refused.StatusCode);
            Assert.Equal(GatewayErrorCodes.UnsupportedParameter, refused.Code);
            Assert.Contains("tool", refused.Message, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(0, gateway.Upstream.RequestCount);
            return;
        }

        gateway.Upstream.Enqueue(FakeReply.ToolCalls([new FakeToolCall("call_w1", "get_weather", """{"city":"Paris"}""")]));
        var first = await gateway.Chat.GetResponseAsync("Weather in Paris?", options, Ct);

        Assert.Equal(["get_weather"], profile.ToolNames(gateway.Upstream.LastRequest.Json));
        Assert.Equal(ChatFinishReason.ToolCalls, first.FinishReason);
        var call = Assert.Single(first.Messages.SelectMany(static m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("get_weather", call.Name);
        Assert.False(string.IsNullOrEmpty(call.CallId));
        Assert.Equal("Paris", ((JsonElement)call.Arguments!["city"]!).GetString());

        gateway.Upstream.Enqueue(FakeReply.Text("It is sunny in Paris."));
        List<ChatMessage> history =
        [
            new(ChatRole.User, "Weather in Paris?"),
            .. first.Messages,
            new(ChatRole.Tool, [new FunctionResultContent(call.CallId, "sunny, 21 C")]),
        ];
        var second = await gateway.Chat.GetResponseAsync(history, options, Ct);

        Assert.Equal("It is sunny in Paris.", second.Text);
        var body = gateway.Upstream.LastRequest.Json;
        var echoed = profile.EchoedToolCall(body);
        Assert.NotNull(echoed);
        Assert.Equal("get_weather", echoed.Value.Name);
        Assert.Equal("Paris", echoed.Value.Arguments.GetProperty("city").GetString());
        var result = profile.ToolResult(body);
        Assert.NotNull(result);
        Assert.Equal(profile.ToolResultReference(call.CallId, call.Name), result.Value.Reference);
        Assert.Equal("sunny, 21 C", result.Value.Content);
    }

    [Theory]
    [MemberData(nameof(AllProviders))]
    public async Task ImageInput_IsSentInline(FakeProviderKind kind)
    {
        var profile = ProviderProfile.For(kind);
        await using var gateway = await GatewayUnderTest.StartAsync(kind);

        await gateway.Chat.GetResponseAsync(
            [new ChatMessage(ChatRole.User, [new TextContent("What is in this picture?"), new DataContent(Convert.FromBase64String(PixelPngBase64), "image/png")])],
            new ChatOptions { ModelId = profile.Model },
            Ct);

        var body = gateway.Upstream.LastRequest.Json;
        Assert.Equal([PixelPngBase64], profile.Images(body));
        Assert.Equal("What is in this picture?", profile.Turns(body).Single().Text);
    }

    [Theory]
    [MemberData(nameof(AllProviders))]
    public async Task StreamingText_ArrivesInPiecesWithFinishAndUsage(FakeProviderKind kind)
    {
        var profile = ProviderProfile.For(kind);
        await using var gateway = await GatewayUnderTest.StartAsync(kind);
        var (wireUsage, expected) = profile.Usage;
        gateway.Upstream.Enqueue(FakeReply.Text("The quick brown fox jumps.", wireUsage).WithKeepAlives());

        var updates = await gateway.StreamAsync([new ChatMessage(ChatRole.User, "Tell me about a fox")], new ChatOptions { ModelId = profile.Model });

        Assert.True(profile.IsStreamRequest(gateway.Upstream.LastRequest));
        Assert.True(updates.Count(static u => u.Text.Length > 0) > 1, "Text should arrive in several updates.");
        Assert.Equal("The quick brown fox jumps.", string.Concat(updates.Select(static u => u.Text)));
        Assert.Equal(ChatFinishReason.Stop, updates.Last(static u => u.FinishReason is not null).FinishReason);
        var usage = Assert.Single(updates.SelectMany(static u => u.Contents).OfType<UsageContent>());
        Assert.Equal(expected.Input, usage.Details.InputTokenCount);
        Assert.Equal(expected.Output, usage.Details.OutputTokenCount);
        var context = updates.Select(static u => u.AdditionalProperties?.TryGetValue("threadsync.context", out var c) == true ? c as GatewayRequestContext : null).Last(static c => c is not null)!;
        AssertUsage(expected, context);
    }

    [Theory]
    [MemberData(nameof(AllProviders))]
    public async Task StreamingToolCalls_AreAssembledWhole(FakeProviderKind kind)
    {
        var profile = ProviderProfile.For(kind);
        await using var gateway = await GatewayUnderTest.StartAsync(kind);
        var options = WeatherToolOptions(profile);

        if (!profile.SupportsTools)
        {
            var refused = await Assert.ThrowsAsync<GatewayException>(() => gateway.StreamAsync([new ChatMessage(ChatRole.User, "Weather?")], options));
            Assert.Equal(GatewayErrorCodes.UnsupportedParameter, refused.Code);
            Assert.Equal(0, gateway.Upstream.RequestCount);
            return;
        }

        gateway.Upstream.Enqueue(FakeReply.ToolCalls(
            [
                new FakeToolCall("call_a", "get_weather", """{"city":"Paris, France"}"""),
                new FakeToolCall("call_b", "get_weather", """{"city":"Tōkyō"}"""),
            ],
            text: "Checking both."));

        var updates = await gateway.StreamAsync([new ChatMessage(ChatRole.User, "Weather in Paris and Tokyo?")], options);

        var calls = updates.SelectMany(static u => u.Contents).OfType<FunctionCallContent>().ToList();
        Assert.Equal(2, calls.Count);
        Assert.Equal(["Paris, France", "Tōkyō"], calls.Select(static c => ((JsonElement)c.Arguments!["city"]!).GetString()));
        Assert.All(calls, static c => Assert.Equal("get_weather", c.Name));
        Assert.Equal(2, calls.Select(static c => c.CallId).Distinct().Count());
        Assert.Equal("Checking both.", string.Concat(updates.Select(static u => u.Text)));
        Assert.Equal(ChatFinishReason.ToolCalls, updates.Last(static u => u.FinishReason is not null).FinishReason);
    }

    [Theory]
    [MemberData(nameof(AllProviders))]
    public async Task UpstreamErrorStatuses_MapToStableGatewayErrors(FakeProviderKind kind)
    {
        var profile = ProviderProfile.For(kind);
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
            foreach (var stream in (bool[])[false, true])
            {
                gateway.Upstream.Enqueue(FakeReply.Error(upstream, $"upstream said {upstream}", retryAfter: TimeSpan.FromSeconds(3)));
                var error = await Assert.ThrowsAsync<GatewayException>(() => stream
                    ? gateway.StreamAsync([new ChatMessage(ChatRole.User, "hi")], new ChatOptions { ModelId = profile.Model })
                    : gateway.Chat.GetResponseAsync("hi", new ChatOptions { ModelId = profile.Model }, Ct));
                Assert.Equal(status, error.StatusCode);
                Assert.Equal(code, error.Code);
                if (upstream == 429)
                {
                    Assert.Equal(TimeSpan.FromSeconds(3), error.RetryAfter);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllProviders))]
    public async Task ErrorInTheMiddleOfAStream_FailsAfterTheTextSoFar(FakeProviderKind kind)
    {
        var profile = ProviderProfile.For(kind);
        await using var gateway = await GatewayUnderTest.StartAsync(kind);
        gateway.Upstream.Enqueue(FakeReply.StreamErrorAfter(3, "Internal failure mid-stream", "api_error"));

        var received = new List<string>();
        var error = await Assert.ThrowsAsync<GatewayException>(async () =>
        {
            await foreach (var update in gateway.Chat.GetStreamingResponseAsync("hi", new ChatOptions { ModelId = profile.Model }, Ct))
            {
                received.Add(update.Text);
            }
        });

        Assert.Equal("chunk1 chunk2 chunk3", string.Concat(received));
        Assert.Equal(502, error.StatusCode);
        Assert.Equal(GatewayErrorCodes.UpstreamError, error.Code);
    }

    [Theory]
    [MemberData(nameof(AllProviders))]
    public async Task ConnectionDroppedMidStream_IsAnErrorNotAFinish(FakeProviderKind kind)
    {
        var profile = ProviderProfile.For(kind);
        await using var gateway = await GatewayUnderTest.StartAsync(kind);
        gateway.Upstream.Enqueue(FakeReply.StreamDropAfter(2));

        var error = await Assert.ThrowsAsync<GatewayException>(() => gateway.StreamAsync([new ChatMessage(ChatRole.User, "hi")], new ChatOptions { ModelId = profile.Model }));

        Assert.Equal(502, error.StatusCode);
        Assert.Equal(GatewayErrorCodes.UpstreamError, error.Code);
    }

    [Theory]
    [MemberData(nameof(AllProviders))]
    public async Task StalledStream_FailsWithTimeoutInsteadOfHanging(FakeProviderKind kind)
    {
        var profile = ProviderProfile.For(kind);

        // The provider answers at once, then pauses 60 s between events: far beyond its 1 s silence limit.
        await using var gateway = await GatewayUnderTest.StartAsync(
            kind,
            o => o.Providers.Get(GatewayUnderTest.ToProvider(kind)).Timeout = TimeSpan.FromSeconds(1),
            new FakeProviderOptions { StreamChunkDelayMilliseconds = 60_000 });
        gateway.Upstream.Enqueue(FakeReply.Text("one two three four"));

        var error = await Assert.ThrowsAsync<GatewayException>(() => gateway.StreamAsync([new ChatMessage(ChatRole.User, "hi")], new ChatOptions { ModelId = profile.Model }));

        Assert.Equal(504, error.StatusCode);
        Assert.Equal(GatewayErrorCodes.UpstreamTimeout, error.Code);
    }

    [Theory]
    [MemberData(nameof(AllProviders))]
    public async Task CancellingAStream_StopsPromptlyWithCancellation(FakeProviderKind kind)
    {
        var profile = ProviderProfile.For(kind);
        await using var gateway = await GatewayUnderTest.StartAsync(kind, fakeOptions: new FakeProviderOptions { StreamChunkDelayMilliseconds = 50 });
        gateway.Upstream.Enqueue(FakeReply.Text(string.Join(' ', Enumerable.Range(1, 400).Select(static i => "word" + i))));

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var received = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in gateway.Chat.GetStreamingResponseAsync("talk", new ChatOptions { ModelId = profile.Model }, cts.Token))
            {
                if (update.Text.Length > 0 && ++received == 2)
                {
                    await cts.CancelAsync();
                }
            }
        });

        // 400 words at 50 ms each would take 20 s; cancellation ended it after the second piece.
        Assert.Equal(2, received);
    }

    [Theory]
    [MemberData(nameof(AllProviders))]
    public async Task CancellingARequest_BeforeTheProviderAnswers_ThrowsCancellation(FakeProviderKind kind)
    {
        var profile = ProviderProfile.For(kind);
        await using var gateway = await GatewayUnderTest.StartAsync(kind);
        gateway.Upstream.Enqueue(FakeReply.Text("late").WithDelay(TimeSpan.FromMinutes(5)));

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var call = gateway.Chat.GetResponseAsync("hi", new ChatOptions { ModelId = profile.Model }, cts.Token);
        while (gateway.Upstream.RequestCount == 0)
        {
            await Task.Delay(10, Ct);
        }

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
    }

    private static ChatOptions WeatherToolOptions(ProviderProfile profile) => new()
    {
        ModelId = profile.Model,
        Tools = [AIFunctionFactory.CreateDeclaration("get_weather", "Weather for a city", WeatherSchema)],
    };

    private static void AssertUsage(ExpectedUsage expected, GatewayRequestContext context)
    {
        var usage = context.Usage!;
        Assert.Equal(expected.Input, usage.InputTokens);
        Assert.Equal(expected.Output, usage.OutputTokens);
        Assert.Equal(expected.Cached, usage.CachedInputTokens);
        Assert.Equal(expected.CacheWrite, usage.CacheWriteInputTokens);
        Assert.Equal(expected.Reasoning, usage.ReasoningTokens);

        var pricing = context.Model!.Pricing.On(DateOnly.FromDateTime(DateTime.UtcNow));
        var uncached = expected.Input - expected.Cached - expected.CacheWrite;
        var cost = ((uncached * pricing.InputPerMillion)
            + (expected.Cached * (pricing.CacheReadPerMillion ?? pricing.InputPerMillion))
            + (expected.CacheWrite * (pricing.CacheWritePerMillion ?? pricing.InputPerMillion))
            + (expected.Output * pricing.OutputPerMillion)) / 1_000_000m + pricing.PerRequest + (pricing.SearchContextFees?.Low ?? 0m);
        Assert.Equal(cost, usage.CostUsd);
        Assert.True(usage.CostUsd > 0);
    }
}
