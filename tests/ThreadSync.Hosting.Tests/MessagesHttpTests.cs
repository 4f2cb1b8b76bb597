using System.Net;
using System.Text.Json;
using ThreadSync.Testing.FakeUpstreams;

namespace ThreadSync.Hosting.Tests;

/// <summary>The Anthropic-compatible <c>POST /v1/messages</c>, checked on the wire with every provider behind it.</summary>
public sealed class MessagesHttpTests(ServerUnderTest server) : IClassFixture<ServerUnderTest>
{
    private const string Path = "/v1/messages";
    private const string SimpleBody = """{"model":"gpt-4o","max_tokens":256,"messages":[{"role":"user","content":"hi there"}]}""";
    private const string WeatherTool = """{"name":"get_weather","description":"Weather by city","input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}""";

    private static readonly Dictionary<string, string> AnthropicHeaders = new()
    {
        ["anthropic-version"] = "2023-06-01",
        ["anthropic-beta"] = "prompt-caching-2024-07-31",
    };

    public static TheoryData<FakeProviderKind> AllProviders => new(Enum.GetValues<FakeProviderKind>());

    public static TheoryData<FakeProviderKind> ToolProviders => new(Enum.GetValues<FakeProviderKind>().Where(k => k != FakeProviderKind.Perplexity));

    private Task<HttpResponseMessage> PostAsync(string body, string? key = ServerUnderTest.ClientKey, string contentType = "application/json") =>
        TestHttp.PostAsync(server, Path, body, key, bearer: false, contentType: contentType, headers: AnthropicHeaders);

    [Fact]
    public async Task Post_ReturnsAnthropicMessageShape_WithUncachedInputTokens()
    {
        server.Upstream.Enqueue(FakeReply.Text("Hello back.", new FakeUsage(1000, 500, CachedTokens: 200)));

        using var response = await PostAsync(SimpleBody);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var requestId = Assert.Single(response.Headers.GetValues("x-request-id"));
        Assert.Equal(requestId, Assert.Single(response.Headers.GetValues("request-id")));
        var json = await TestHttp.JsonAsync(response);
        Assert.Equal(
            ["id", "type", "role", "model", "content", "stop_reason", "stop_sequence", "usage"],
            json.EnumerateObject().Select(p => p.Name));
        Assert.Equal("msg_" + requestId, json.GetProperty("id").GetString());
        Assert.Equal("message", json.GetProperty("type").GetString());
        Assert.Equal("assistant", json.GetProperty("role").GetString());
        Assert.Equal("gpt-4o", json.GetProperty("model").GetString());
        var block = Assert.Single(json.GetProperty("content").EnumerateArray());
        Assert.Equal("""{"type":"text","text":"Hello back."}""", block.GetRawText());
        Assert.Equal("end_turn", json.GetProperty("stop_reason").GetString());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("stop_sequence").ValueKind);
        Assert.Equal(
            """{"input_tokens":800,"cache_creation_input_tokens":0,"cache_read_input_tokens":200,"output_tokens":500}""",
            json.GetProperty("usage").GetRawText());
    }

    [Theory]
    [MemberData(nameof(AllProviders))]
    public async Task Post_AnyProvider_AnswersInAnthropicShape(FakeProviderKind kind)
    {
        var model = ServerUnderTest.ModelOf(kind);
        server.UpstreamFor(kind).Enqueue(FakeReply.Text($"Hello from {kind}."));

        using var response = await PostAsync($$"""{"model":"{{model}}","max_tokens":100,"system":"Be kind.","messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await TestHttp.JsonAsync(response);
        Assert.StartsWith(model, json.GetProperty("model").GetString(), StringComparison.Ordinal);
        Assert.Equal($"Hello from {kind}.", json.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal("end_turn", json.GetProperty("stop_reason").GetString());
        Assert.True(json.GetProperty("usage").GetProperty("output_tokens").GetInt32() > 0);
    }

    public static TheoryData<FakeProviderKind, string, string> FinishReasons => new()
    {
        { FakeProviderKind.OpenAI, "stop", "end_turn" },
        { FakeProviderKind.OpenAI, "length", "max_tokens" },
        { FakeProviderKind.OpenAI, "content_filter", "refusal" },
        { FakeProviderKind.XAI, "length", "max_tokens" },
        { FakeProviderKind.Gemini, "length", "max_tokens" },
        { FakeProviderKind.Gemini, "content_filter", "refusal" },
        { FakeProviderKind.Anthropic, "length", "max_tokens" },
        { FakeProviderKind.Anthropic, "pause_turn", "pause_turn" },
        { FakeProviderKind.Anthropic, "model_context_window_exceeded", "model_context_window_exceeded" },
    };

    [Theory]
    [MemberData(nameof(FinishReasons))]
    public async Task Post_FinishReason_MapsToAnthropicStopReason(FakeProviderKind kind, string finishReason, string stopReason)
    {
        server.UpstreamFor(kind).Enqueue(FakeReply.Text("partial", finishReason: finishReason));

        using var response = await PostAsync($$"""{"model":"{{ServerUnderTest.ModelOf(kind)}}","max_tokens":100,"messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal(stopReason, (await TestHttp.JsonAsync(response)).GetProperty("stop_reason").GetString());
    }

    [Theory]
    [InlineData(FakeProviderKind.Anthropic, false)]
    [InlineData(FakeProviderKind.Anthropic, true)]
    public async Task Post_StopSequence_IsReportedWhenTheProviderSaysWhichMatched(FakeProviderKind kind, bool stream)
    {
        server.UpstreamFor(kind).Enqueue(FakeReply.Text("one two").WithStopSequence("END"));

        using var response = await PostAsync($$"""{"model":"{{ServerUnderTest.ModelOf(kind)}}","max_tokens":100,"stream":{{(stream ? "true" : "false")}},"stop_sequences":["END"],"messages":[{"role":"user","content":"count"}]}""");

        var result = stream ? (await TestHttp.ReadNamedEventsAsync(response))[^2].Data.GetProperty("delta") : await TestHttp.JsonAsync(response);
        Assert.Equal("stop_sequence", result.GetProperty("stop_reason").GetString());
        Assert.Equal("END", result.GetProperty("stop_sequence").GetString());
        Assert.Equal("END", server.UpstreamFor(kind).LastRequest.Json.GetProperty("stop_sequences")[0].GetString());
    }

    [Fact]
    public async Task Post_RequestFields_MapOntoAnOpenAIUpstream()
    {
        var body = $$$"""
            {"model":"gpt-4o","max_tokens":300,"temperature":0.5,"top_p":0.9,"top_k":40,"stop_sequences":["STOP"],
             "system":[{"type":"text","text":"You are terse."},{"type":"text","text":"Answer in French.","cache_control":{"type":"ephemeral"}}],
             "metadata":{"user_id":"user-123"},
             "tools":[{{{WeatherTool}}}],"tool_choice":{"type":"tool","name":"get_weather","disable_parallel_tool_use":true},
             "messages":[{"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}}]}]}
            """;

        using var response = await PostAsync(body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = server.Upstream.LastRequest.Json;
        var messages = sent.GetProperty("messages");
        Assert.Equal("system", messages[0].GetProperty("role").GetString());
        Assert.Equal("You are terse.\n\nAnswer in French.", messages[0].GetProperty("content").GetString());
        Assert.Equal("data:image/png;base64,iVBORw0KGgo=", messages[1].GetProperty("content")[1].GetProperty("image_url").GetProperty("url").GetString());
        Assert.Equal(300, sent.GetProperty("max_completion_tokens").GetInt32());
        Assert.Equal(0.5, sent.GetProperty("temperature").GetDouble(), 3);
        Assert.Equal(0.9, sent.GetProperty("top_p").GetDouble(), 3);
        Assert.Equal("STOP", sent.GetProperty("stop")[0].GetString());
        Assert.Equal("user-123", sent.GetProperty("user").GetString());
        Assert.Equal("get_weather", sent.GetProperty("tool_choice").GetProperty("function").GetProperty("name").GetString());
        Assert.False(sent.GetProperty("parallel_tool_calls").GetBoolean());
        var function = sent.GetProperty("tools")[0].GetProperty("function");
        Assert.Equal("get_weather", function.GetProperty("name").GetString());
        Assert.Equal("city", function.GetProperty("parameters").GetProperty("required")[0].GetString());
    }

    [Fact]
    public async Task Post_RequestFields_MapOntoAnAnthropicUpstream()
    {
        var anthropic = server.UpstreamFor(FakeProviderKind.Anthropic);
        var body = $$$"""
            {"model":"claude-sonnet-4-6","max_tokens":4096,"top_k":40,"thinking":{"type":"enabled","budget_tokens":2048},
             "metadata":{"user_id":"user-9"},"tools":[{{{WeatherTool}}}],
             "messages":[
               {"role":"user","content":"Weather in Oslo?"},
               {"role":"assistant","content":[{"type":"text","text":"Checking."},{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Oslo"}}]},
               {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"service down"}],"is_error":true},{"type":"text","text":"Try again?"}]}]}
            """;

        using var response = await PostAsync(body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = anthropic.LastRequest.Json;
        Assert.Equal(40, sent.GetProperty("top_k").GetInt32());
        Assert.Equal(2048, sent.GetProperty("thinking").GetProperty("budget_tokens").GetInt32());
        Assert.Equal("user-9", sent.GetProperty("metadata").GetProperty("user_id").GetString());
        var messages = sent.GetProperty("messages");
        var toolUse = messages[1].GetProperty("content")[1];
        Assert.Equal("tool_use", toolUse.GetProperty("type").GetString());
        Assert.Equal("Oslo", toolUse.GetProperty("input").GetProperty("city").GetString());
        var userTurn = messages[2].GetProperty("content");
        Assert.Equal("tool_result", userTurn[0].GetProperty("type").GetString());
        Assert.Equal("toolu_1", userTurn[0].GetProperty("tool_use_id").GetString());
        Assert.True(userTurn[0].GetProperty("is_error").GetBoolean());
        Assert.Equal("Try again?", userTurn[userTurn.GetArrayLength() - 1].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Post_ToolUseAndToolResult_RoundTripThroughAnOpenAIUpstream()
    {
        server.Upstream.Enqueue(FakeReply.ToolCalls([new FakeToolCall("call_7", "get_weather", """{"city":"Oslo"}""")], text: "Let me check."));

        using var first = await PostAsync($$"""{"model":"gpt-4o","max_tokens":200,"tools":[{{WeatherTool}}],"messages":[{"role":"user","content":"Weather in Oslo?"}]}""");

        var message = await TestHttp.JsonAsync(first);
        Assert.Equal("tool_use", message.GetProperty("stop_reason").GetString());
        var content = message.GetProperty("content");
        Assert.Equal("""{"type":"text","text":"Let me check."}""", content[0].GetRawText());
        Assert.Equal("""{"type":"tool_use","id":"call_7","name":"get_weather","input":{"city":"Oslo"}}""", content[1].GetRawText());

        server.Upstream.Enqueue(FakeReply.Text("Sunny in Oslo."));
        using var second = await PostAsync($$"""
            {"model":"gpt-4o","max_tokens":200,"tools":[{{WeatherTool}}],"messages":[
              {"role":"user","content":"Weather in Oslo?"},
              {"role":"assistant","content":{{content.GetRawText()}}},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"call_7","content":"sunny, 20C"}]}]}
            """);

        Assert.Equal("Sunny in Oslo.", (await TestHttp.JsonAsync(second)).GetProperty("content")[0].GetProperty("text").GetString());
        var sent = server.Upstream.LastRequest.Json.GetProperty("messages");
        Assert.Equal(3, sent.GetArrayLength());
        Assert.Equal("Let me check.", sent[1].GetProperty("content").GetString());
        Assert.Equal("""{"city":"Oslo"}""", sent[1].GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("tool", sent[2].GetProperty("role").GetString());
        Assert.Equal("call_7", sent[2].GetProperty("tool_call_id").GetString());
        Assert.Equal("sunny, 20C", sent[2].GetProperty("content").GetString());
    }

    [Theory]
    [MemberData(nameof(AllProviders))]
    public async Task Post_Stream_IsWellFormedForEveryProvider(FakeProviderKind kind)
    {
        var tools = kind != FakeProviderKind.Perplexity;
        server.UpstreamFor(kind).Enqueue(tools
            ? FakeReply.ToolCalls([new FakeToolCall("call_9", "get_weather", """{"city":"Oslo"}""")], text: "Let me check.")
            : FakeReply.Text("Let me check."));
        var toolsField = tools ? $$""","tools":[{{WeatherTool}}]""" : string.Empty;

        using var response = await PostAsync($$"""{"model":"{{ServerUnderTest.ModelOf(kind)}}","max_tokens":200,"stream":true{{toolsField}},"messages":[{"role":"user","content":"Weather in Oslo?"}]}""");
        var events = await TestHttp.ReadNamedEventsAsync(response);

        var requestId = Assert.Single(response.Headers.GetValues("x-request-id"));
        Assert.Equal("msg_" + requestId, events[0].Data.GetProperty("message").GetProperty("id").GetString());
        var blocks = AnthropicStreamAssert.WellFormed(events);
        Assert.Equal("text", blocks[0].Type);
        Assert.Equal("Let me check.", blocks[0].Content);
        var delta = events[^2].Data.GetProperty("delta");
        if (tools)
        {
            var toolUse = Assert.Single(blocks, b => b.Type == "tool_use");
            Assert.Equal("get_weather", toolUse.Start.GetProperty("name").GetString());
            Assert.False(string.IsNullOrEmpty(toolUse.Start.GetProperty("id").GetString()));
            Assert.Equal("{}", toolUse.Start.GetProperty("input").GetRawText());
            Assert.Equal("Oslo", JsonDocument.Parse(toolUse.Content).RootElement.GetProperty("city").GetString());
            Assert.Equal("tool_use", delta.GetProperty("stop_reason").GetString());
        }
        else
        {
            Assert.Equal("end_turn", delta.GetProperty("stop_reason").GetString());
        }
    }

    [Theory]
    [InlineData(FakeProviderKind.XAI)]
    [InlineData(FakeProviderKind.Anthropic)]
    [InlineData(FakeProviderKind.Gemini)]
    public async Task Post_Stream_ThinkingTextAndToolUse_GetConsecutiveIndexes(FakeProviderKind kind)
    {
        server.UpstreamFor(kind).Enqueue(FakeReply.ToolCalls([new FakeToolCall("call_t", "get_weather", """{"city":"Bergen"}""")], text: "Checking.").WithReasoning("User wants weather"));

        using var response = await PostAsync($$"""{"model":"{{ServerUnderTest.ModelOf(kind)}}","max_tokens":200,"stream":true,"tools":[{{WeatherTool}}],"messages":[{"role":"user","content":"Weather in Bergen?"}]}""");
        var blocks = AnthropicStreamAssert.WellFormed(await TestHttp.ReadNamedEventsAsync(response));

        Assert.Equal(["thinking", "text", "tool_use"], blocks.Select(b => b.Type));
        Assert.Equal("User wants weather", blocks[0].Content);
        Assert.Equal(string.Empty, blocks[0].Start.GetProperty("signature").GetString());
        Assert.Equal("Checking.", blocks[1].Content);
    }

    [Fact]
    public async Task Post_ThinkingFromAnthropic_KeepsItsSignature()
    {
        server.UpstreamFor(FakeProviderKind.Anthropic).Enqueue(FakeReply.Text("Answer.").WithReasoning("Hmm"));

        using var response = await PostAsync("""{"model":"claude-sonnet-4-6","max_tokens":2000,"messages":[{"role":"user","content":"q"}]}""");

        var content = (await TestHttp.JsonAsync(response)).GetProperty("content");
        Assert.Equal("thinking", content[0].GetProperty("type").GetString());
        Assert.Equal("Hmm", content[0].GetProperty("thinking").GetString());
        Assert.False(string.IsNullOrEmpty(content[0].GetProperty("signature").GetString()));
        Assert.Equal("Answer.", content[1].GetProperty("text").GetString());
        var sent = server.UpstreamFor(FakeProviderKind.Anthropic).LastRequest.Json;
        Assert.Equal(2000, sent.GetProperty("max_tokens").GetInt32());
    }

    [Fact]
    public async Task Post_Stream_FinalUsageArrivesInMessageDelta()
    {
        server.Upstream.Enqueue(FakeReply.Text("alpha beta", new FakeUsage(1000, 500, CachedTokens: 200)));

        using var response = await PostAsync("""{"model":"gpt-4o","max_tokens":600,"stream":true,"messages":[{"role":"user","content":"go"}]}""");
        var events = await TestHttp.ReadNamedEventsAsync(response);

        AnthropicStreamAssert.WellFormed(events);
        Assert.Equal(0, events[0].Data.GetProperty("message").GetProperty("usage").GetProperty("output_tokens").GetInt32());
        Assert.Equal(
            """{"input_tokens":800,"cache_creation_input_tokens":0,"cache_read_input_tokens":200,"output_tokens":500}""",
            events[^2].Data.GetProperty("usage").GetRawText());
        Assert.Equal("end_turn", events[^2].Data.GetProperty("delta").GetProperty("stop_reason").GetString());
    }

    [Fact]
    public async Task Post_StreamFailingAfterStart_EndsWithAnthropicErrorEvent()
    {
        server.Upstream.Enqueue(FakeReply.StreamErrorAfter(2, "Overloaded"));

        using var response = await PostAsync("""{"model":"gpt-4o","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"go"}]}""");
        var events = await TestHttp.ReadNamedEventsAsync(response);

        Assert.Equal("message_start", events[0].Name);
        Assert.Equal("error", events[^1].Name);
        Assert.DoesNotContain(events, e => e.Name is "message_stop" or "message_delta");
        var error = events[^1].Data;
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Equal("api_error", error.GetProperty("error").GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("error").GetProperty("message").GetString()));
    }

    [Fact]
    public async Task Post_UpstreamRateLimited_Gets429RateLimitErrorWithRetryAfter()
    {
        server.Upstream.Enqueue(FakeReply.Error(429, "slow down", code: "rate_limit_exceeded", retryAfter: TimeSpan.FromSeconds(7)));

        using var response = await PostAsync("""{"model":"gpt-4o","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"go"}]}""");

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter!.Delta);
        await AssertAnthropicErrorAsync(response, "rate_limit_error", "upstream_rate_limited", null);
    }

    public static TheoryData<string, string?, string, int, string, string, string?> BadRequests => new()
    {
        { SimpleBody, null, "application/json", 401, "authentication_error", "missing_api_key", null },
        { SimpleBody, "tsg-wrong-key", "application/json", 401, "authentication_error", "invalid_api_key", null },
        { SimpleBody, ServerUnderTest.ClientKey, "text/plain", 415, "invalid_request_error", "unsupported_media_type", null },
        { "{\"model\":\"gpt-4o\",", ServerUnderTest.ClientKey, "application/json", 400, "invalid_request_error", "invalid_json", null },
        { "{\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", ServerUnderTest.ClientKey, "application/json", 400, "invalid_request_error", "missing_required_parameter", "model" },
        { "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", ServerUnderTest.ClientKey, "application/json", 400, "invalid_request_error", "missing_required_parameter", "max_tokens" },
        { "{\"model\":\"gpt-4o\",\"max_tokens\":0,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", ServerUnderTest.ClientKey, "application/json", 400, "invalid_request_error", "invalid_parameter", "max_tokens" },
        { "{\"model\":\"gpt-4o\",\"max_tokens\":10,\"temperature\":1.5,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", ServerUnderTest.ClientKey, "application/json", 400, "invalid_request_error", "invalid_parameter", "temperature" },
        { "{\"model\":\"gpt-4o\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":[]}]}", ServerUnderTest.ClientKey, "application/json", 400, "invalid_request_error", "invalid_parameter", "messages[0].content" },
        { "{\"model\":\"gpt-4o\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"f\",\"input\":{}}]}]}", ServerUnderTest.ClientKey, "application/json", 400, "invalid_request_error", "invalid_parameter", "messages[0].content[0].type" },
        { "{\"model\":\"gpt-4o\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\"}]}]}", ServerUnderTest.ClientKey, "application/json", 400, "invalid_request_error", "missing_required_parameter", "messages[0].content[0].tool_use_id" },
        { "{\"model\":\"gpt-4o\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/tiff\",\"data\":\"AAAA\"}}]}]}", ServerUnderTest.ClientKey, "application/json", 400, "invalid_request_error", "invalid_parameter", "messages[0].content[0].source.media_type" },
        { "{\"model\":\"gpt-4o\",\"max_tokens\":10,\"tools\":[{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}],\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", ServerUnderTest.ClientKey, "application/json", 400, "invalid_request_error", "unsupported_parameter", "tools[0].type" },
        { "{\"model\":\"gpt-4o\",\"max_tokens\":10,\"mcp_servers\":[{\"type\":\"url\",\"url\":\"https://mcp.example\",\"name\":\"m\"}],\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", ServerUnderTest.ClientKey, "application/json", 400, "invalid_request_error", "unsupported_parameter", "mcp_servers" },
        { "{\"model\":\"gpt-4o\",\"max_tokens\":10,\"tools\":[{\"name\":\"f\"}],\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", ServerUnderTest.ClientKey, "application/json", 400, "invalid_request_error", "missing_required_parameter", "tools[0].input_schema" },
        { "{\"model\":\"gpt-4o\",\"max_tokens\":10,\"tool_choice\":{\"type\":\"tool\"},\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", ServerUnderTest.ClientKey, "application/json", 400, "invalid_request_error", "missing_required_parameter", "tool_choice.name" },
        { "{\"model\":\"gpt-4o\",\"max_tokens\":4000,\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":100},\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", ServerUnderTest.ClientKey, "application/json", 400, "invalid_request_error", "invalid_parameter", "thinking.budget_tokens" },
        { "{\"model\":\"gpt-4o\",\"max_tokens\":10,\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}", ServerUnderTest.ClientKey, "application/json", 400, "invalid_request_error", "invalid_parameter", "messages[0].role" },
        { "{\"model\":\"no-such-model\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", ServerUnderTest.ClientKey, "application/json", 404, "not_found_error", "model_not_found", "model" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Post_BadInput_GetsAnthropicShapedError(string body, string? key, string contentType, int status, string type, string code, string? param)
    {
        var before = server.Upstream.RequestCount;

        using var response = await PostAsync(body, key, contentType);

        Assert.Equal(status, (int)response.StatusCode);
        await AssertAnthropicErrorAsync(response, type, code, param);
        Assert.Equal(before, server.Upstream.RequestCount);
    }

    [Fact]
    public async Task Post_OversizedBody_Gets413RequestTooLarge()
    {
        var body = "{\"model\":\"gpt-4o\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"" + new string('x', 70_000) + "\"}]}";

        using var response = await PostAsync(body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await AssertAnthropicErrorAsync(response, "request_too_large", "request_too_large", null);
    }

    [Fact]
    public async Task WrongMethodOrSubPath_GetsAnthropicShapedError()
    {
        using var get = await server.Http.GetAsync(new Uri(server.BaseUrl, Path), TestContext.Current.CancellationToken);
        using var countTokens = await TestHttp.PostAsync(server, "/v1/messages/count_tokens", SimpleBody, bearer: false);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
        await AssertAnthropicErrorAsync(get, "invalid_request_error", "method_not_allowed", null);
        Assert.Equal(HttpStatusCode.NotFound, countTokens.StatusCode);
        await AssertAnthropicErrorAsync(countTokens, "not_found_error", "not_found", null);
    }

    [Fact]
    public async Task OtherEndpoints_KeepOpenAIShapedErrors()
    {
        using var response = await TestHttp.PostAsync(server, "/v1/chat/completions", SimpleBody, key: null);

        var json = await TestHttp.JsonAsync(response);
        Assert.False(json.TryGetProperty("type", out _));
        Assert.Equal("missing_api_key", json.GetProperty("error").GetProperty("code").GetString());
    }

    private static async Task AssertAnthropicErrorAsync(HttpResponseMessage response, string type, string code, string? param)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var requestId = Assert.Single(response.Headers.GetValues("x-request-id"));
        Assert.Equal(requestId, Assert.Single(response.Headers.GetValues("request-id")));
        var json = await TestHttp.JsonAsync(response);
        Assert.Equal("error", json.GetProperty("type").GetString());
        Assert.Equal(requestId, json.GetProperty("request_id").GetString());
        var error = json.GetProperty("error");
        Assert.Equal(type, error.GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        var details = error.GetProperty("details");
        Assert.Equal(code, details.GetProperty("error_code").GetString());
        Assert.Equal(param, details.TryGetProperty("param", out var p) ? p.GetString() : null);
    }

    [Fact]
    public async Task Post_ToClaude_ForwardsBetaHeaderServiceTierAndOutputConfigVerbatim()
    {
        var upstream = server.UpstreamFor(FakeProviderKind.Anthropic);
        upstream.Reset();

        using var response = await PostAsync("""
            {"model":"claude-sonnet-4-6","max_tokens":256,"service_tier":"standard_only",
             "output_config":{"effort":"low","format":{"type":"json_schema","schema":{"type":"object"}}},
             "messages":[{"role":"user","content":"hi"}]}
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = upstream.LastRequest;
        Assert.Equal("prompt-caching-2024-07-31", sent.Headers["anthropic-beta"]);
        Assert.Equal("standard_only", sent.Json.GetProperty("service_tier").GetString());
        Assert.Equal("low", sent.Json.GetProperty("output_config").GetProperty("effort").GetString());
        Assert.Equal("json_schema", sent.Json.GetProperty("output_config").GetProperty("format").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Post_EffortToAnOpenAIModel_BecomesReasoningEffort()
    {
        server.Upstream.Reset();

        using var response = await PostAsync("""{"model":"gpt-5.4","max_tokens":256,"output_config":{"effort":"medium"},"messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("medium", server.Upstream.LastRequest.Json.GetProperty("reasoning_effort").GetString());
        Assert.False(server.Upstream.LastRequest.Json.TryGetProperty("output_config", out _));
    }

    [Fact]
    public async Task Post_ToClaude_KeepsCacheBreakpointsOnSystemMessageAndToolResultBlocks()
    {
        var upstream = server.UpstreamFor(FakeProviderKind.Anthropic);
        upstream.Reset();

        using var response = await PostAsync($$$"""
            {"model":"claude-sonnet-4-6","max_tokens":256,"tools":[{{{WeatherTool}}}],
             "system":[{"type":"text","text":"You are a coding agent."},{"type":"text","text":"Project rules: be careful.","cache_control":{"type":"ephemeral"}}],
             "messages":[
               {"role":"user","content":[{"type":"text","text":"Weather?","cache_control":{"type":"ephemeral","ttl":"1h"}}]},
               {"role":"assistant","content":[{"type":"tool_use","id":"toolu_9","name":"get_weather","input":{"city":"Oslo"}}]},
               {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_9","content":"snow","cache_control":{"type":"ephemeral"}}]}]}
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = upstream.LastRequest.Json;
        var system = sent.GetProperty("system");
        Assert.Equal(2, system.GetArrayLength());
        Assert.False(system[0].TryGetProperty("cache_control", out _));
        Assert.Equal("ephemeral", system[1].GetProperty("cache_control").GetProperty("type").GetString());
        var messages = sent.GetProperty("messages");
        Assert.Equal("1h", messages[0].GetProperty("content")[0].GetProperty("cache_control").GetProperty("ttl").GetString());
        Assert.Equal("ephemeral", messages[2].GetProperty("content")[0].GetProperty("cache_control").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Post_ToolResultWithAnImage_ReachesClaudeAsBlocks_AndIsRefusedClearlyElsewhere()
    {
        var upstream = server.UpstreamFor(FakeProviderKind.Anthropic);
        upstream.Reset();
        const string Png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
        string Body(string model) => $$$"""
            {"model":"{{{model}}}","max_tokens":256,"tools":[{{{WeatherTool}}}],
             "messages":[
               {"role":"user","content":"Screenshot the page"},
               {"role":"assistant","content":[{"type":"tool_use","id":"toolu_s","name":"get_weather","input":{"city":"Oslo"}}]},
               {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_s","content":[
                 {"type":"text","text":"Here it is"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"{{{Png}}}"}}]}]}]}
            """;

        using var claude = await PostAsync(Body("claude-sonnet-4-6"));
        using var gpt = await PostAsync(Body("gpt-4o"));

        Assert.Equal(HttpStatusCode.OK, claude.StatusCode);
        var result = upstream.LastRequest.Json.GetProperty("messages")[2].GetProperty("content")[0].GetProperty("content");
        Assert.Equal("Here it is", result[0].GetProperty("text").GetString());
        Assert.Equal(Png, result[1].GetProperty("source").GetProperty("data").GetString());

        Assert.Equal(HttpStatusCode.BadRequest, gpt.StatusCode);
        var error = await TestHttp.JsonAsync(gpt);
        Assert.Equal("invalid_request_error", error.GetProperty("error").GetProperty("type").GetString());
        Assert.Contains("images in tool results", error.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
