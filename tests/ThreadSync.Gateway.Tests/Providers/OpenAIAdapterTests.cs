using System.Text.Json;
using Microsoft.Extensions.AI;
using ThreadSync.Gateway.Tests.TestSupport;
using ThreadSync.Testing.FakeUpstreams;

namespace ThreadSync.Gateway.Tests.Providers;

public sealed class OpenAIAdapterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetResponse_Text_SendsOpenAIWireFormatAndNormalizesResponse()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.OpenAI);
        gateway.Upstream.Enqueue(FakeReply.Text("Paris.", new FakeUsage(120, 35, ReasoningTokens: 20, CachedTokens: 64)).WithModel("gpt-5.4-2026-03-01"));

        var response = await gateway.Chat.GetResponseAsync(
            [new ChatMessage(ChatRole.System, "You are terse."), new ChatMessage(ChatRole.User, "Capital of France?")],
            new ChatOptions { ModelId = "gpt-5.4", MaxOutputTokens = 512, Temperature = 0.2f, TopP = 0.9f, StopSequences = ["END"] },
            Ct);

        var sent = gateway.Upstream.LastRequest;
        Assert.Equal("/v1/chat/completions", sent.Path);
        Assert.Equal("Bearer " + gateway.Upstream.ApiKey, sent.Headers["Authorization"]);
        var body = sent.Json;
        Assert.Equal("gpt-5.4", body.GetProperty("model").GetString());
        Assert.Equal(512, body.GetProperty("max_completion_tokens").GetInt32());
        Assert.False(body.TryGetProperty("max_tokens", out _));
        Assert.Equal("developer", body.GetProperty("messages")[0].GetProperty("role").GetString()); // gpt-5.4 is a reasoning model
        Assert.Equal("Capital of France?", body.GetProperty("messages")[1].GetProperty("content").GetString());
        Assert.Equal(0.2, body.GetProperty("temperature").GetDouble(), 3);
        Assert.Equal("END", body.GetProperty("stop")[0].GetString());
        Assert.False(body.TryGetProperty("stream", out _));

        Assert.Equal("Paris.", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal("gpt-5.4-2026-03-01", response.ModelId);
        Assert.Equal(120, response.Usage!.InputTokenCount);
        Assert.Equal(35, response.Usage.OutputTokenCount); // OpenAI: reasoning is inside completion_tokens
        Assert.Equal(20, response.Usage.ReasoningTokenCount);
        Assert.Equal(64, response.Usage.CachedInputTokenCount);

        var context = response.GetGatewayContext();
        Assert.NotNull(context);
        Assert.Equal(GatewayProvider.OpenAI, context.Provider);
        Assert.Equal(RouteMethod.Pinned, context.RouteMethod);
        // gpt-5.4: 56 uncached * 2.50 + 64 cached * 0.25 + 35 out * 15.00, per million.
        Assert.Equal((56 * 2.50m + 64 * 0.25m + 35 * 15.00m) / 1_000_000m, context.Usage!.CostUsd);
    }

    [Fact]
    public async Task GetResponse_NonReasoningModel_UsesSystemRole()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.OpenAI);
        await gateway.Chat.GetResponseAsync([new ChatMessage(ChatRole.System, "Be brief."), new ChatMessage(ChatRole.User, "hi")], new ChatOptions { ModelId = "gpt-4o" }, Ct);
        Assert.Equal("system", gateway.Upstream.LastRequest.Json.GetProperty("messages")[0].GetProperty("role").GetString());
    }

    [Fact]
    public async Task GetResponse_Alias_SendsCatalogId()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.OpenAI);
        await gateway.Chat.GetResponseAsync("hi", new ChatOptions { ModelId = "gpt-4o-2024-08-06" }, Ct);
        Assert.Equal("gpt-4o", gateway.Upstream.LastRequest.Json.GetProperty("model").GetString());
    }

    [Fact]
    public async Task GetResponse_ImageParts_AreSentAsImageUrl()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.OpenAI);
        var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 1, 2, 3 };
        var message = new ChatMessage(ChatRole.User, [
            new TextContent("What is this?"),
            new DataContent(png, "image/png"),
            new UriContent(new Uri("https://example.org/cat.jpg"), "image/jpeg"),
        ]);

        await gateway.Chat.GetResponseAsync([message], new ChatOptions { ModelId = "gpt-4o" }, Ct);

        var parts = gateway.Upstream.LastRequest.Json.GetProperty("messages")[0].GetProperty("content");
        Assert.Equal("text", parts[0].GetProperty("type").GetString());
        Assert.Equal("image_url", parts[1].GetProperty("type").GetString());
        Assert.Equal("data:image/png;base64," + Convert.ToBase64String(png), parts[1].GetProperty("image_url").GetProperty("url").GetString());
        Assert.Equal("https://example.org/cat.jpg", parts[2].GetProperty("image_url").GetProperty("url").GetString());
    }

    [Fact]
    public async Task GetResponse_ToolRoundTrip_SendsToolsAndHistoryAndParsesCalls()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.OpenAI);
        gateway.Upstream.Enqueue(FakeReply.ToolCalls([new FakeToolCall("call_1", "lookup", """{"q":"capital of France"}""")]));
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"q":{"type":"string"}},"required":["q"]}""").RootElement;
        var options = new ChatOptions
        {
            ModelId = "gpt-4o",
            Tools = [AIFunctionFactory.CreateDeclaration("lookup", "Find a fact", schema)],
            ToolMode = ChatToolMode.Auto,
        };
        List<ChatMessage> history = [new(ChatRole.User, "Capital of France?")];

        var first = await gateway.Chat.GetResponseAsync(history, options, Ct);

        var sentTools = gateway.Upstream.LastRequest.Json.GetProperty("tools");
        Assert.Equal("function", sentTools[0].GetProperty("type").GetString());
        Assert.Equal("lookup", sentTools[0].GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("object", sentTools[0].GetProperty("function").GetProperty("parameters").GetProperty("type").GetString());
        Assert.Equal("auto", gateway.Upstream.LastRequest.Json.GetProperty("tool_choice").GetString());
        Assert.Equal(ChatFinishReason.ToolCalls, first.FinishReason);
        var call = Assert.Single(first.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("call_1", call.CallId);
        Assert.Equal("capital of France", ((JsonElement)call.Arguments!["q"]!).GetString());

        history.AddRange(first.Messages);
        history.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent("call_1", "Paris")]));
        gateway.Upstream.Enqueue(FakeReply.Text("It is Paris."));
        var second = await gateway.Chat.GetResponseAsync(history, options, Ct);

        var messages = gateway.Upstream.LastRequest.Json.GetProperty("messages");
        var assistant = messages[1];
        Assert.Equal("assistant", assistant.GetProperty("role").GetString());
        Assert.Equal(JsonValueKind.Null, assistant.GetProperty("content").ValueKind);
        Assert.Equal("call_1", assistant.GetProperty("tool_calls")[0].GetProperty("id").GetString());
        Assert.Equal("""{"q":"capital of France"}""", assistant.GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("tool", messages[2].GetProperty("role").GetString());
        Assert.Equal("call_1", messages[2].GetProperty("tool_call_id").GetString());
        Assert.Equal("Paris", messages[2].GetProperty("content").GetString());
        Assert.Equal("It is Paris.", second.Text);
    }

    [Fact]
    public async Task GetStreamingResponse_Text_RequestsUsageAndAssemblesText()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.OpenAI);
        gateway.Upstream.Enqueue(FakeReply.Text("The quick brown fox jumps.", new FakeUsage(9, 6)));

        var updates = await gateway.StreamAsync([new ChatMessage(ChatRole.User, "go")], new ChatOptions { ModelId = "gpt-4o" });

        var body = gateway.Upstream.LastRequest.Json;
        Assert.True(body.GetProperty("stream").GetBoolean());
        Assert.True(body.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
        Assert.True(updates.Count(u => u.Text.Length > 0) > 1, "text should arrive in several deltas");
        Assert.Equal("The quick brown fox jumps.", string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(ChatFinishReason.Stop, updates.Single(u => u.FinishReason is not null).FinishReason);
        var usage = Assert.Single(updates.SelectMany(u => u.Contents).OfType<UsageContent>());
        Assert.Equal(9, usage.Details.InputTokenCount);
        Assert.Equal(6, usage.Details.OutputTokenCount);
        var context = updates.Select(u => u.GetGatewayContext()).Single(c => c is not null);
        Assert.Equal((9 * 2.50m + 6 * 10.00m) / 1_000_000m, context!.Usage!.CostUsd);
    }

    [Fact]
    public async Task GetStreamingResponse_ParallelToolCallFragments_AreAssembledByIndex()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.OpenAI);
        gateway.Upstream.Enqueue(FakeReply.ToolCalls([
            new FakeToolCall("call_a", "weather", """{"city":"Paris","unit":"celsius"}"""),
            new FakeToolCall("call_b", "time", """{"zone":"Europe/Paris"}"""),
        ]));

        var updates = await gateway.StreamAsync([new ChatMessage(ChatRole.User, "go")], new ChatOptions { ModelId = "gpt-4o" });

        var calls = updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>().ToList();
        Assert.Equal(["call_a", "call_b"], calls.Select(c => c.CallId));
        Assert.Equal("Paris", ((JsonElement)calls[0].Arguments!["city"]!).GetString());
        Assert.Equal("celsius", ((JsonElement)calls[0].Arguments!["unit"]!).GetString());
        Assert.Equal("Europe/Paris", ((JsonElement)calls[1].Arguments!["zone"]!).GetString());
        Assert.Equal(ChatFinishReason.ToolCalls, updates.Single(u => u.FinishReason is not null).FinishReason);
    }

    [Fact]
    public async Task GetResponse_Refusal_IsKeptAsRefusalContent()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.OpenAI);
        gateway.Upstream.Enqueue(FakeReply.Text(string.Empty).WithRefusal("I can't help with that."));

        var response = await gateway.Chat.GetResponseAsync("bad", new ChatOptions { ModelId = "gpt-4o" }, Ct);

        var refusal = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<ErrorContent>());
        Assert.Equal("refusal", refusal.ErrorCode);
        Assert.Equal("I can't help with that.", refusal.Message);
    }

    [Fact]
    public async Task GetResponse_MaxTokensNeverSentToOpenAI_SoReasoningModelsAccept()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.OpenAI);
        var response = await gateway.Chat.GetResponseAsync("hi", new ChatOptions { ModelId = "o3", MaxOutputTokens = 100 }, Ct);
        Assert.StartsWith("Echo: hi", response.Text);
        Assert.Equal(100, gateway.Upstream.LastRequest.Json.GetProperty("max_completion_tokens").GetInt32());
    }

    [Fact]
    public async Task GetResponse_ForcedToolCallFinishingWithStop_IsNormalizedToToolCalls()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.OpenAI);
        gateway.Upstream.Enqueue(FakeReply.Raw(200, "application/json", """
            {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":null,
            "tool_calls":[{"id":"call_1","type":"function","function":{"name":"lookup","arguments":"{}"}}]},"finish_reason":"stop"}],
            "usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}
            """));

        var response = await gateway.Chat.GetResponseAsync("hi", new ChatOptions { ModelId = "gpt-4o" }, Ct);

        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.Equal("stop", response.AdditionalProperties![GatewayContentKeys.FinishReasonRaw]);
    }
}
