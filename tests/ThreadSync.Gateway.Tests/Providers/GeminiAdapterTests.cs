using System.Text.Json;
using Microsoft.Extensions.AI;
using ThreadSync.Gateway.Tests.TestSupport;
using ThreadSync.Testing.FakeUpstreams;

namespace ThreadSync.Gateway.Tests.Providers;

public sealed class GeminiAdapterTests
{
    private const string Model = "gemini-3.8-flash";

    private static readonly JsonElement CitySchema = JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"}}}""").RootElement;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Requests_CarryTheKeyInTheHeaderNeverInTheUrl()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.Gemini);

        await gateway.Chat.GetResponseAsync("hi", new ChatOptions { ModelId = Model }, Ct);
        await gateway.StreamAsync([new ChatMessage(ChatRole.User, "hi")], new ChatOptions { ModelId = Model });

        var (plain, streamed) = (gateway.Upstream.Requests[0], gateway.Upstream.Requests[1]);
        Assert.Equal("/v1beta/models/gemini-3.8-flash:generateContent", plain.Path);
        Assert.Equal(string.Empty, plain.QueryString);
        Assert.Equal("/v1beta/models/gemini-3.8-flash:streamGenerateContent", streamed.Path);
        Assert.Equal("?alt=sse", streamed.QueryString);
        Assert.All(gateway.Upstream.Requests, r => Assert.Equal(gateway.Upstream.ApiKey, r.Headers["x-goog-api-key"]));
        Assert.All(gateway.Upstream.Requests, r => Assert.DoesNotContain("key=", r.QueryString, StringComparison.Ordinal));
    }

    [Fact]
    public async Task InvalidKey_IsTheOperatorsProblem_AndTheKeyNeverLeaks()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.Gemini, o => o.Providers.Gemini.ApiKey = "AIza-SECRET-0123456789");

        var error = await Assert.ThrowsAsync<GatewayException>(() => gateway.Chat.GetResponseAsync("hi", new ChatOptions { ModelId = Model }, Ct));

        Assert.Equal(502, error.StatusCode); // Google answers 400 API_KEY_INVALID; it is not the client's fault
        Assert.Equal(GatewayErrorCodes.UpstreamAuthFailed, error.Code);
        Assert.DoesNotContain("SECRET", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RateLimit_ReadsGooglesRetryInfoDelay()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.Gemini);
        gateway.Upstream.Enqueue(FakeReply.Error(429, "Resource has been exhausted (e.g. check quota).", retryAfter: TimeSpan.FromSeconds(17)));

        var error = await Assert.ThrowsAsync<GatewayException>(() => gateway.Chat.GetResponseAsync("hi", new ChatOptions { ModelId = Model }, Ct));

        Assert.Equal(GatewayErrorCodes.UpstreamRateLimited, error.Code);
        Assert.Equal(TimeSpan.FromSeconds(17), error.RetryAfter);
        Assert.True(Assert.IsType<Gateway.Providers.Internal.ProviderException>(error.InnerException).IsRetryable);
    }

    [Fact]
    public async Task SystemInstructionAndGenerationConfig_UseGeminiNames()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.Gemini);

        await gateway.Chat.GetResponseAsync(
            [new ChatMessage(ChatRole.System, "Be terse."), new ChatMessage(ChatRole.User, "hi")],
            new ChatOptions { ModelId = Model, MaxOutputTokens = 64, TopP = 0.5f, TopK = 20, Seed = 3, ResponseFormat = ChatResponseFormat.ForJsonSchema(CitySchema) },
            Ct);

        var body = gateway.Upstream.LastRequest.Json;
        Assert.Equal("Be terse.", body.GetProperty("systemInstruction").GetProperty("parts")[0].GetProperty("text").GetString());
        var config = body.GetProperty("generationConfig");
        Assert.Equal(64, config.GetProperty("maxOutputTokens").GetInt32());
        Assert.Equal(20, config.GetProperty("topK").GetInt32());
        Assert.Equal(3, config.GetProperty("seed").GetInt32());
        Assert.Equal("application/json", config.GetProperty("responseMimeType").GetString());
        Assert.Equal("object", config.GetProperty("responseJsonSchema").GetProperty("type").GetString());
    }

    [Fact]
    public async Task FunctionCallsWithoutIds_GetUniqueGatewayIds()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.Gemini);
        gateway.Upstream.Enqueue(FakeReply.ToolCalls([new FakeToolCall("ignored1", "get_weather", """{"city":"Rome"}"""), new FakeToolCall("ignored2", "get_weather", """{"city":"Oslo"}""")]));

        var response = await gateway.Chat.GetResponseAsync("Weather?", new ChatOptions { ModelId = Model, Tools = [Tool()] }, Ct);

        var calls = response.Messages.SelectMany(static m => m.Contents).OfType<FunctionCallContent>().ToList();
        Assert.Equal(2, calls.Count);
        Assert.All(calls, static c => Assert.StartsWith("call_", c.CallId, StringComparison.Ordinal));
        Assert.NotEqual(calls[0].CallId, calls[1].CallId);
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason); // Gemini said STOP; the calls make it tool_calls
        Assert.Equal("STOP", response.AdditionalProperties![GatewayContentKeys.FinishReasonRaw]);
    }

    [Fact]
    public async Task FunctionCallIdsFromGemini_AreKept()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.Gemini, fakeOptions: new FakeProviderOptions { GeminiSendsFunctionCallIds = true });
        gateway.Upstream.Enqueue(FakeReply.ToolCalls([new FakeToolCall("fc-123", "get_weather", """{"city":"Rome"}""")]));

        var response = await gateway.Chat.GetResponseAsync("Weather?", new ChatOptions { ModelId = Model, Tools = [Tool()] }, Ct);

        var call = Assert.Single(response.Messages.SelectMany(static m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("fc-123", call.CallId);

        await gateway.Chat.GetResponseAsync([new ChatMessage(ChatRole.User, "Weather?"), .. response.Messages, new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, "sunny")])], new ChatOptions { ModelId = Model, Tools = [Tool()] }, Ct);

        // Ids Gemini chose go back on the call and its response; ids the gateway made up never do.
        var body = gateway.Upstream.LastRequest.Json;
        Assert.Equal("fc-123", FunctionCallPart(body).GetProperty("functionCall").GetProperty("id").GetString());
        Assert.Equal("fc-123", body.GetProperty("contents")[2].GetProperty("parts")[0].GetProperty("functionResponse").GetProperty("id").GetString());
    }

    [Fact]
    public async Task ThoughtSignatures_GoBackWithTheirCalls_AndLostOnesUseGooglesPlaceholder()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.Gemini, fakeOptions: new FakeProviderOptions { GeminiRequiresThoughtSignatures = true });
        gateway.Upstream.Enqueue(FakeReply.ToolCalls([new FakeToolCall("x", "get_weather", """{"city":"Rome"}""")]));
        var options = new ChatOptions { ModelId = Model, Tools = [Tool()] };

        var first = await gateway.Chat.GetResponseAsync("Weather in Rome?", options, Ct);
        var call = Assert.Single(first.Messages.SelectMany(static m => m.Contents).OfType<FunctionCallContent>());
        var signature = Assert.IsType<string>(call.AdditionalProperties!["gemini.thought_signature"]);

        await gateway.Chat.GetResponseAsync([new ChatMessage(ChatRole.User, "Weather in Rome?"), .. first.Messages, new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, "sunny")])], options, Ct);
        Assert.Equal(signature, FunctionCallPart(gateway.Upstream.LastRequest.Json).GetProperty("thoughtSignature").GetString());

        // History that came through an OpenAI-shaped client has lost the signature: the documented placeholder keeps Gemini 3 working.
        await gateway.Chat.GetResponseAsync(
            [
                new ChatMessage(ChatRole.User, "Weather in Rome?"),
                new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call_1", "get_weather", new Dictionary<string, object?> { ["city"] = "Rome" })]),
                new ChatMessage(ChatRole.Tool, [new FunctionResultContent("call_1", """{"sky":"clear","temp_c":24}""")]),
            ],
            options,
            Ct);
        var body = gateway.Upstream.LastRequest.Json;
        Assert.Equal("skip_thought_signature_validator", FunctionCallPart(body).GetProperty("thoughtSignature").GetString());
        var response = body.GetProperty("contents")[2].GetProperty("parts")[0].GetProperty("functionResponse");
        Assert.Equal("get_weather", response.GetProperty("name").GetString());
        Assert.Equal(24, response.GetProperty("response").GetProperty("temp_c").GetInt32()); // a JSON object result goes as an object
    }

    [Fact]
    public async Task ToolResultForAnUnknownCall_IsRefusedWithoutCallingGemini()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.Gemini);

        var error = await Assert.ThrowsAsync<GatewayException>(() => gateway.Chat.GetResponseAsync(
            [new ChatMessage(ChatRole.User, "hi"), new ChatMessage(ChatRole.Tool, [new FunctionResultContent("call_missing", "42")])],
            new ChatOptions { ModelId = Model },
            Ct));

        Assert.Equal(GatewayErrorCodes.UnsupportedParameter, error.Code);
        Assert.Contains("call_missing", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, gateway.Upstream.RequestCount);
    }

    [Fact]
    public async Task WebImageUrl_IsRefusedExplicitly()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.Gemini);

        var error = await Assert.ThrowsAsync<GatewayException>(() => gateway.Chat.GetResponseAsync(
            [new ChatMessage(ChatRole.User, [new TextContent("What is this?"), new UriContent(new Uri("https://example.com/cat.png"), "image/*")])],
            new ChatOptions { ModelId = Model },
            Ct));

        Assert.Equal(GatewayErrorCodes.UnsupportedParameter, error.Code);
        Assert.Contains("data: URI", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, gateway.Upstream.RequestCount);
    }

    [Fact]
    public async Task Thoughts_AreReasoningNotText_AndTheirTokensAreBilledAsOutput()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.Gemini);
        gateway.Upstream.Enqueue(FakeReply.Text("Rome.", new FakeUsage(10, 2, ReasoningTokens: 30)).WithReasoning("The capital of Italy is Rome."));

        var response = await gateway.Chat.GetResponseAsync("Capital of Italy?", new ChatOptions { ModelId = Model }, Ct);

        Assert.Equal("Rome.", response.Text);
        Assert.Equal("The capital of Italy is Rome.", Assert.Single(response.Messages.SelectMany(static m => m.Contents).OfType<TextReasoningContent>()).Text);
        Assert.Equal(32, response.Usage!.OutputTokenCount);
        Assert.Equal(30, response.Usage.ReasoningTokenCount);
    }

    [Fact]
    public async Task BlockedPrompt_IsAContentFilterFinishWithTheReason()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.Gemini);
        gateway.Upstream.Enqueue(FakeReply.PromptBlocked("PROHIBITED_CONTENT"));
        gateway.Upstream.Enqueue(FakeReply.PromptBlocked("SAFETY"));

        var response = await gateway.Chat.GetResponseAsync("something bad", new ChatOptions { ModelId = Model }, Ct);
        var updates = await gateway.StreamAsync([new ChatMessage(ChatRole.User, "something bad")], new ChatOptions { ModelId = Model });

        Assert.Equal(ChatFinishReason.ContentFilter, response.FinishReason);
        Assert.Equal("PROHIBITED_CONTENT", response.AdditionalProperties![GatewayContentKeys.FinishReasonRaw]);
        Assert.Contains(response.Messages.SelectMany(static m => m.Contents), static c => c is ErrorContent { ErrorCode: GatewayContentKeys.RefusalErrorCode });
        Assert.Equal(ChatFinishReason.ContentFilter, updates.Last(static u => u.FinishReason is not null).FinishReason);
    }

    [Theory]
    [InlineData("RECITATION", "content_filter")]
    [InlineData("MALFORMED_FUNCTION_CALL", "error")]
    [InlineData("OTHER", "other")]
    public async Task FinishReasons_AreNormalizedAndKeptRaw(string raw, string normalized)
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.Gemini);
        gateway.Upstream.Enqueue(FakeReply.Text("partial", finishReason: raw));

        var response = await gateway.Chat.GetResponseAsync("hi", new ChatOptions { ModelId = Model }, Ct);

        Assert.Equal(normalized, response.FinishReason!.Value.Value);
        Assert.Equal(raw, response.AdditionalProperties![GatewayContentKeys.FinishReasonRaw]);
    }

    [Fact]
    public async Task ParallelToolCallsOff_IsRefusedExplicitly()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.Gemini);

        var error = await Assert.ThrowsAsync<GatewayException>(() => gateway.Chat.GetResponseAsync("hi", new ChatOptions { ModelId = Model, Tools = [Tool()], AllowMultipleToolCalls = false }, Ct));

        Assert.Equal(GatewayErrorCodes.UnsupportedParameter, error.Code);
        Assert.Equal(0, gateway.Upstream.RequestCount);
    }

    private static AIFunctionDeclaration Tool() => AIFunctionFactory.CreateDeclaration("get_weather", "Weather for a city", CitySchema);

    private static JsonElement FunctionCallPart(JsonElement body) =>
        body.GetProperty("contents").EnumerateArray().SelectMany(static c => c.GetProperty("parts").EnumerateArray()).First(static p => p.TryGetProperty("functionCall", out _));
}
