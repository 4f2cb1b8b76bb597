using System.Text.Json;
using Microsoft.Extensions.AI;
using ThreadSync.Gateway.Tests.TestSupport;
using ThreadSync.Testing.FakeUpstreams;

namespace ThreadSync.Gateway.Tests.Providers;

public sealed class AnthropicAdapterTests
{
    private const string Model = "claude-sonnet-4-6";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetResponse_SendsAnthropicHeadersAndDefaultMaxTokensFromCatalog()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.Anthropic);

        await gateway.Chat.GetResponseAsync("hi", new ChatOptions { ModelId = "claude-sonnet" }, Ct);

        var sent = gateway.Upstream.LastRequest;
        Assert.Equal("/v1/messages", sent.Path);
        Assert.Equal(gateway.Upstream.ApiKey, sent.Headers["x-api-key"]);
        Assert.Equal("2023-06-01", sent.Headers["anthropic-version"]);
        Assert.False(sent.Headers.ContainsKey("Authorization"));
        Assert.Equal("claude-sonnet-5", sent.Json.GetProperty("model").GetString()); // the family alias resolved to the catalog id
        Assert.Equal(64000, sent.Json.GetProperty("max_tokens").GetInt32()); // the model's output limit from the catalog
    }

    [Fact]
    public async Task GetResponse_TemperatureAboveAnthropicsRange_IsClampedToOne()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.Anthropic);

        await gateway.Chat.GetResponseAsync("hi", new ChatOptions { ModelId = Model, Temperature = 1.7f }, Ct);

        Assert.Equal(1.0, gateway.Upstream.LastRequest.Json.GetProperty("temperature").GetDouble());
    }

    [Fact]
    public async Task GetResponse_SystemMessagesAnywhere_JoinTheTopLevelSystemPrompt()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.Anthropic);

        await gateway.Chat.GetResponseAsync(
            [new ChatMessage(ChatRole.System, "Be terse."), new ChatMessage(ChatRole.User, "hi"), new ChatMessage(ChatRole.System, "Answer in French.")],
            new ChatOptions { ModelId = Model, Instructions = "You are a guide." },
            Ct);

        var body = gateway.Upstream.LastRequest.Json;
        Assert.Equal("You are a guide.\n\nBe terse.\n\nAnswer in French.", body.GetProperty("system").GetString());
        Assert.All(body.GetProperty("messages").EnumerateArray(), static m => Assert.NotEqual("system", m.GetProperty("role").GetString()));
    }

    [Fact]
    public async Task GetResponse_ToolResultAndTextInOneTurn_PutsToolResultFirst()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.Anthropic);

        await gateway.Chat.GetResponseAsync(
            [
                new ChatMessage(ChatRole.User, "Weather?"),
                new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("toolu_1", "get_weather", new Dictionary<string, object?> { ["city"] = "Oslo" })]),
                new ChatMessage(ChatRole.Tool, [new FunctionResultContent("toolu_1", "snow") { Exception = new InvalidOperationException("partial data") }]),
                new ChatMessage(ChatRole.User, "And tomorrow?"),
            ],
            new ChatOptions { ModelId = Model },
            Ct);

        var messages = gateway.Upstream.LastRequest.Json.GetProperty("messages");
        Assert.Equal(3, messages.GetArrayLength());
        var last = messages[2];
        Assert.Equal("user", last.GetProperty("role").GetString());
        var blocks = last.GetProperty("content");
        Assert.Equal("tool_result", blocks[0].GetProperty("type").GetString());
        Assert.Equal("toolu_1", blocks[0].GetProperty("tool_use_id").GetString());
        Assert.True(blocks[0].GetProperty("is_error").GetBoolean());
        Assert.Equal("text", blocks[1].GetProperty("type").GetString());
        Assert.Equal("Oslo", messages[1].GetProperty("content")[0].GetProperty("input").GetProperty("city").GetString());
    }

    [Fact]
    public async Task GetResponse_Thinking_IsReasoningWithSignatureThatGoesBackUnchanged()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.Anthropic);
        gateway.Upstream.Enqueue(FakeReply.Text("42.").WithReasoning("Six times seven."));

        var first = await gateway.Chat.GetResponseAsync("6*7?", new ChatOptions { ModelId = Model }, Ct);

        Assert.Equal("42.", first.Text);
        var reasoning = Assert.Single(first.Messages.SelectMany(static m => m.Contents).OfType<TextReasoningContent>());
        Assert.Equal("Six times seven.", reasoning.Text);
        Assert.False(string.IsNullOrEmpty(reasoning.ProtectedData));

        await gateway.Chat.GetResponseAsync([new ChatMessage(ChatRole.User, "6*7?"), .. first.Messages, new ChatMessage(ChatRole.User, "Sure?")], new ChatOptions { ModelId = Model }, Ct);

        var echoed = gateway.Upstream.LastRequest.Json.GetProperty("messages")[1].GetProperty("content")[0];
        Assert.Equal("thinking", echoed.GetProperty("type").GetString());
        Assert.Equal("Six times seven.", echoed.GetProperty("thinking").GetString());
        Assert.Equal(reasoning.ProtectedData, echoed.GetProperty("signature").GetString());
    }

    [Fact]
    public async Task GetStreamingResponse_Thinking_StreamsReasoningDeltasAndTheSignature()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.Anthropic);
        gateway.Upstream.Enqueue(FakeReply.Text("42.").WithReasoning("Six times seven is forty-two."));

        var updates = await gateway.StreamAsync([new ChatMessage(ChatRole.User, "6*7?")], new ChatOptions { ModelId = Model });

        var reasoning = updates.SelectMany(static u => u.Contents).OfType<TextReasoningContent>().ToList();
        Assert.Equal("Six times seven is forty-two.", string.Concat(reasoning.Select(static r => r.Text)));
        Assert.Contains(reasoning, static r => !string.IsNullOrEmpty(r.ProtectedData));
        Assert.Equal("42.", string.Concat(updates.Select(static u => u.Text)));
    }

    [Fact]
    public async Task StreamedThinking_CoalescedByMicrosoftExtensionsAI_GoesBackSigned()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.Anthropic);
        gateway.Upstream.Enqueue(FakeReply.Text("42.").WithReasoning("Six times seven is forty-two."));

        var updates = await gateway.StreamAsync([new ChatMessage(ChatRole.User, "6*7?")], new ChatOptions { ModelId = Model });
        var response = updates.ToChatResponse();
        await gateway.Chat.GetResponseAsync([new ChatMessage(ChatRole.User, "6*7?"), .. response.Messages, new ChatMessage(ChatRole.User, "Sure?")], new ChatOptions { ModelId = Model }, Ct);

        var assistant = gateway.Upstream.LastRequest.Json.GetProperty("messages")[1].GetProperty("content");
        var thinking = assistant.EnumerateArray().Where(static b => b.GetProperty("type").GetString() == "thinking").ToList();
        var block = Assert.Single(thinking);
        Assert.Equal("Six times seven is forty-two.", block.GetProperty("thinking").GetString());
        Assert.False(string.IsNullOrEmpty(block.GetProperty("signature").GetString()));
    }

    [Fact]
    public async Task GetResponse_StopSequence_ReportsWhichOneMatched()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.Anthropic);
        gateway.Upstream.Enqueue(FakeReply.Text("one two").WithStopSequence("END"));

        var response = await gateway.Chat.GetResponseAsync("count", new ChatOptions { ModelId = Model, StopSequences = ["END"] }, Ct);

        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal("stop_sequence", response.AdditionalProperties![GatewayContentKeys.FinishReasonRaw]);
        Assert.Equal("END", response.AdditionalProperties[GatewayContentKeys.StopSequence]);
    }

    [Theory]
    [InlineData("refusal", "content_filter")]
    [InlineData("pause_turn", "other")]
    [InlineData("model_context_window_exceeded", "length")]
    [InlineData("tool_use", "tool_calls")]
    public async Task StopReason_IsNormalizedAndKeptRaw(string stopReason, string normalized)
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.Anthropic);
        gateway.Upstream.Enqueue(FakeReply.Text("partial", finishReason: stopReason));
        gateway.Upstream.Enqueue(FakeReply.Text("partial", finishReason: stopReason));

        var response = await gateway.Chat.GetResponseAsync("hi", new ChatOptions { ModelId = Model }, Ct);
        var updates = await gateway.StreamAsync([new ChatMessage(ChatRole.User, "hi")], new ChatOptions { ModelId = Model });

        Assert.Equal(normalized, response.FinishReason!.Value.Value);
        Assert.Equal(stopReason, response.AdditionalProperties![GatewayContentKeys.FinishReasonRaw]);
        var finish = updates.Last(static u => u.FinishReason is not null);
        Assert.Equal(normalized, finish.FinishReason!.Value.Value);
        Assert.Equal(stopReason, finish.AdditionalProperties![GatewayContentKeys.FinishReasonRaw]);
        Assert.Equal("partial", response.Text); // no explanation came, so none is invented
        Assert.DoesNotContain(response.Messages.SelectMany(static m => m.Contents), static c => c is ErrorContent);
    }

    [Fact]
    public async Task Overloaded529_IsARetryable503WithRetryAfter()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.Anthropic);
        gateway.Upstream.Enqueue(FakeReply.Error(529, "Overloaded", retryAfter: TimeSpan.FromSeconds(2)));

        var error = await Assert.ThrowsAsync<GatewayException>(() => gateway.Chat.GetResponseAsync("hi", new ChatOptions { ModelId = Model }, Ct));

        Assert.Equal(503, error.StatusCode);
        Assert.Equal(GatewayErrorCodes.UpstreamOverloaded, error.Code);
        Assert.Equal(TimeSpan.FromSeconds(2), error.RetryAfter);
        var failure = Assert.IsType<Gateway.Providers.Internal.ProviderException>(error.InnerException);
        Assert.True(failure.IsRetryable);
    }

    [Fact]
    public async Task OverloadedErrorEventMidStream_IsARetryable503()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.Anthropic);
        gateway.Upstream.Enqueue(FakeReply.StreamErrorAfter(1, "Overloaded", "overloaded_error"));

        var error = await Assert.ThrowsAsync<GatewayException>(() => gateway.StreamAsync([new ChatMessage(ChatRole.User, "hi")], new ChatOptions { ModelId = Model }));

        Assert.Equal(503, error.StatusCode);
        Assert.Equal(GatewayErrorCodes.UpstreamOverloaded, error.Code);
        Assert.True(Assert.IsType<Gateway.Providers.Internal.ProviderException>(error.InnerException).IsRetryable);
    }

    [Fact]
    public async Task SpendLimit429_IsQuotaExhaustedAndNeverRetryable()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.Anthropic);
        gateway.Upstream.Enqueue(FakeReply.Error(429, "Spend limit reached.", code: "enforced_spend_limit_reached", retryAfter: TimeSpan.FromSeconds(5)));

        var error = await Assert.ThrowsAsync<GatewayException>(() => gateway.Chat.GetResponseAsync("hi", new ChatOptions { ModelId = Model }, Ct));

        Assert.Equal(GatewayErrorCodes.UpstreamQuotaExhausted, error.Code);
        Assert.False(Assert.IsType<Gateway.Providers.Internal.ProviderException>(error.InnerException).IsRetryable);
    }

    [Fact]
    public async Task ShouldRetryHeader_OverridesTheStatusRule()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.Anthropic);
        gateway.Upstream.Enqueue(FakeReply.Error(500, "broken").WithHeaders(new Dictionary<string, string> { ["x-should-retry"] = "false" }));

        var error = await Assert.ThrowsAsync<GatewayException>(() => gateway.Chat.GetResponseAsync("hi", new ChatOptions { ModelId = Model }, Ct));

        Assert.False(Assert.IsType<Gateway.Providers.Internal.ProviderException>(error.InnerException).IsRetryable);
    }

    [Fact]
    public async Task JsonSchemaFormat_IsSentAsOutputConfig_AndSchemalessJsonIsRefused()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.Anthropic);
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"answer":{"type":"string"}}}""").RootElement;

        await gateway.Chat.GetResponseAsync("hi", new ChatOptions { ModelId = Model, ResponseFormat = ChatResponseFormat.ForJsonSchema(schema) }, Ct);
        var format = gateway.Upstream.LastRequest.Json.GetProperty("output_config").GetProperty("format");
        Assert.Equal("json_schema", format.GetProperty("type").GetString());
        Assert.Equal("string", format.GetProperty("schema").GetProperty("properties").GetProperty("answer").GetProperty("type").GetString());

        var refused = await Assert.ThrowsAsync<GatewayException>(() => gateway.Chat.GetResponseAsync("hi", new ChatOptions { ModelId = Model, ResponseFormat = ChatResponseFormat.Json }, Ct));
        Assert.Equal(GatewayErrorCodes.UnsupportedParameter, refused.Code);
        Assert.Contains("json_schema", refused.Message, StringComparison.Ordinal);
        Assert.Equal(1, gateway.Upstream.RequestCount);
    }

    [Fact]
    public async Task UnsupportedSamplingOptions_AreRefusedBeforeCallingAnthropic()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.Anthropic);

        var seed = await Assert.ThrowsAsync<GatewayException>(() => gateway.Chat.GetResponseAsync("hi", new ChatOptions { ModelId = Model, Seed = 7 }, Ct));
        var penalty = await Assert.ThrowsAsync<GatewayException>(() => gateway.Chat.GetResponseAsync("hi", new ChatOptions { ModelId = Model, PresencePenalty = 0.5f }, Ct));
        await gateway.Chat.GetResponseAsync("hi", new ChatOptions { ModelId = Model, PresencePenalty = 0f }, Ct); // the default value means nothing

        Assert.Contains("seed", seed.Message, StringComparison.Ordinal);
        Assert.Contains("presence_penalty", penalty.Message, StringComparison.Ordinal);
        Assert.Equal(1, gateway.Upstream.RequestCount);
    }

    [Fact]
    public async Task ToolChoiceAndParallelism_MapToAnthropicToolChoice()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.Anthropic);
        var tool = AIFunctionFactory.CreateDeclaration("lookup", "Find a fact", JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement);

        await gateway.Chat.GetResponseAsync("hi", new ChatOptions { ModelId = Model, Tools = [tool], ToolMode = ChatToolMode.RequireSpecific("lookup"), AllowMultipleToolCalls = false }, Ct);

        var body = gateway.Upstream.LastRequest.Json;
        Assert.Equal("lookup", body.GetProperty("tools")[0].GetProperty("name").GetString());
        Assert.Equal("object", body.GetProperty("tools")[0].GetProperty("input_schema").GetProperty("type").GetString());
        var choice = body.GetProperty("tool_choice");
        Assert.Equal("tool", choice.GetProperty("type").GetString());
        Assert.Equal("lookup", choice.GetProperty("name").GetString());
        Assert.True(choice.GetProperty("disable_parallel_tool_use").GetBoolean());
    }
}
