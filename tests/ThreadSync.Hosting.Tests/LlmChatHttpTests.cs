using System.Net;
using System.Text.Json;
using ThreadSync.Testing.FakeUpstreams;

namespace ThreadSync.Hosting.Tests;

/// <summary>The HTTP contract of ThreadSync's normalized endpoint, <c>POST /api/v1/llm/chat</c>, checked on the wire.</summary>
public sealed class LlmChatHttpTests(ServerUnderTest server) : IClassFixture<ServerUnderTest>
{
    private const string Path = "/api/v1/llm/chat";
    private const string SimpleBody = """{"model":"gpt-4o","messages":[{"role":"user","content":"hi there"}]}""";

    private const string WeatherTool = """{"name":"get_weather","description":"Weather by city","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}""";

    private Task<HttpResponseMessage> PostAsync(string body, string? key = ServerUnderTest.ClientKey, string contentType = "application/json") =>
        TestHttp.PostAsync(server, Path, body, key, contentType: contentType);

    [Fact]
    public async Task Post_ReturnsNormalizedShape_WithUsageCostAndConversationId()
    {
        server.Upstream.Enqueue(FakeReply.Text("Hello back.", new FakeUsage(1000, 500, CachedTokens: 200)));

        using var response = await PostAsync("""{"model":"gpt-4o","conversation_id":"conv-42.a:b_c","messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var requestId = Assert.Single(response.Headers.GetValues("x-request-id"));
        var json = await TestHttp.JsonAsync(response);
        Assert.Equal("chat_" + requestId, json.GetProperty("id").GetString());
        Assert.Equal("Hello back.", json.GetProperty("content").GetString());
        Assert.Equal("gpt-4o", json.GetProperty("model").GetString());
        Assert.Equal("openai", json.GetProperty("provider").GetString());
        Assert.Equal("pinned", json.GetProperty("route_method").GetString());
        Assert.Equal("stop", json.GetProperty("finish_reason").GetString());
        Assert.Equal("stop", json.GetProperty("finish_reason_raw").GetString());
        Assert.Equal("conv-42.a:b_c", json.GetProperty("conversation_id").GetString());
        Assert.Equal(requestId, json.GetProperty("request_id").GetString());
        Assert.False(json.TryGetProperty("tool_calls", out _));
        var usage = json.GetProperty("usage");
        Assert.Equal(1000, usage.GetProperty("tokens_in").GetInt32());
        Assert.Equal(500, usage.GetProperty("tokens_out").GetInt32());
        Assert.Equal(200, usage.GetProperty("cached_tokens_in").GetInt32());
        Assert.Equal(0.00725m, usage.GetProperty("cost_usd").GetDecimal());
    }

    [Fact]
    public async Task Post_SystemOptionsAndImage_ReachTheUpstream()
    {
        var body = """
            {"model":"gpt-4o","system":"Be brief.","max_tokens":64,"temperature":0.25,"stop":["END"],
             "messages":[{"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image","data":"iVBORw0KGgo=","media_type":"image/png"},{"type":"image","url":"https://example.com/cat.jpg"}]}]}
            """;

        using var response = await PostAsync(body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = server.Upstream.LastRequest.Json;
        var messages = sent.GetProperty("messages");
        Assert.Equal("system", messages[0].GetProperty("role").GetString());
        Assert.Equal("Be brief.", messages[0].GetProperty("content").GetString());
        var parts = messages[1].GetProperty("content");
        Assert.Equal("data:image/png;base64,iVBORw0KGgo=", parts[1].GetProperty("image_url").GetProperty("url").GetString());
        Assert.Equal("https://example.com/cat.jpg", parts[2].GetProperty("image_url").GetProperty("url").GetString());
        Assert.Equal(64, sent.GetProperty("max_completion_tokens").GetInt32());
        Assert.Equal(0.25, sent.GetProperty("temperature").GetDouble(), 3);
        Assert.Equal("END", sent.GetProperty("stop")[0].GetString());
    }

    [Fact]
    public async Task Post_Stream_SendsNamedEventsStartDeltasUsageFinish()
    {
        server.Upstream.Enqueue(FakeReply.Text("alpha beta gamma", new FakeUsage(3, 3)));

        using var response = await PostAsync("""{"model":"gpt-4o","stream":true,"conversation_id":"c1","messages":[{"role":"user","content":"go"}]}""");
        var events = await TestHttp.ReadNamedEventsAsync(response);

        var requestId = Assert.Single(response.Headers.GetValues("x-request-id"));
        var names = events.Select(e => e.Name).ToList();
        Assert.Equal("start", names[0]);
        Assert.Equal(["usage", "finish"], names[^2..]);
        Assert.All(names[1..^2], n => Assert.Equal("text_delta", n));
        var start = events[0].Data;
        Assert.Equal("chat_" + requestId, start.GetProperty("id").GetString());
        Assert.Equal("gpt-4o", start.GetProperty("model").GetString());
        Assert.Equal("openai", start.GetProperty("provider").GetString());
        Assert.Equal("pinned", start.GetProperty("route_method").GetString());
        Assert.Equal("c1", start.GetProperty("conversation_id").GetString());
        Assert.Equal("alpha beta gamma", string.Concat(events.Where(e => e.Name == "text_delta").Select(e => e.Data.GetProperty("text").GetString())));
        var usage = events[^2].Data;
        Assert.Equal(3, usage.GetProperty("tokens_in").GetInt32());
        Assert.Equal(3, usage.GetProperty("tokens_out").GetInt32());
        Assert.True(usage.GetProperty("cost_usd").GetDecimal() > 0);
        Assert.Equal("stop", events[^1].Data.GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Post_ToolCall_RoundTripsWithObjectArguments()
    {
        server.Upstream.Enqueue(FakeReply.ToolCalls([new FakeToolCall("call_7", "get_weather", """{"city":"Oslo"}""")]));

        using var first = await PostAsync($$"""{"model":"gpt-4o","tools":[{{WeatherTool}}],"tool_choice":"auto","messages":[{"role":"user","content":"Weather in Oslo?"}]}""");

        var json = await TestHttp.JsonAsync(first);
        Assert.Equal("tool_calls", json.GetProperty("finish_reason").GetString());
        var call = Assert.Single(json.GetProperty("tool_calls").EnumerateArray());
        Assert.Equal("call_7", call.GetProperty("id").GetString());
        Assert.Equal("get_weather", call.GetProperty("name").GetString());
        Assert.Equal("Oslo", call.GetProperty("arguments").GetProperty("city").GetString());
        var tools = server.Upstream.LastRequest.Json.GetProperty("tools");
        Assert.Equal("get_weather", tools[0].GetProperty("function").GetProperty("name").GetString());

        server.Upstream.Enqueue(FakeReply.Text("Sunny."));
        var arguments = call.GetProperty("arguments").GetRawText();
        using var second = await PostAsync($$"""
            {"model":"gpt-4o","tools":[{{WeatherTool}}],"messages":[
              {"role":"user","content":"Weather in Oslo?"},
              {"role":"assistant","tool_calls":[{"id":"call_7","name":"get_weather","arguments":{{arguments}}}]},
              {"role":"tool","tool_call_id":"call_7","content":"sunny, 20C"}]}
            """);

        Assert.Equal("Sunny.", (await TestHttp.JsonAsync(second)).GetProperty("content").GetString());
        var sent = server.Upstream.LastRequest.Json.GetProperty("messages");
        Assert.Equal("""{"city":"Oslo"}""", sent[1].GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("call_7", sent[2].GetProperty("tool_call_id").GetString());
        Assert.Equal("sunny, 20C", sent[2].GetProperty("content").GetString());
    }

    [Fact]
    public async Task Post_ToolCallArgumentsAsJsonString_AreAccepted()
    {
        using var response = await PostAsync("""
            {"model":"gpt-4o","messages":[{"role":"user","content":"q"},
              {"role":"assistant","content":"Looking.","tool_calls":[{"id":"c1","name":"f","arguments":"{\"a\":1}"}]},
              {"role":"tool","tool_call_id":"c1","content":[{"type":"text","text":"done"}]},
              {"role":"user","content":"and?"}]}
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = server.Upstream.LastRequest.Json.GetProperty("messages");
        Assert.Equal("Looking.", sent[1].GetProperty("content").GetString());
        Assert.Equal("""{"a":1}""", sent[1].GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("done", sent[2].GetProperty("content").GetString());
    }

    [Fact]
    public async Task Post_StreamToolCall_ArrivesAsOneToolCallEventBeforeFinish()
    {
        server.Upstream.Enqueue(FakeReply.ToolCalls([new FakeToolCall("call_s", "lookup", """{"q":"a b"}""")], new FakeUsage(9, 4)));

        using var response = await PostAsync($$"""{"model":"gpt-4o","stream":true,"tools":[{{WeatherTool}}],"messages":[{"role":"user","content":"find"}]}""");
        var events = await TestHttp.ReadNamedEventsAsync(response);

        Assert.Equal(["start", "tool_call", "usage", "finish"], events.Select(e => e.Name));
        var call = events[1].Data;
        Assert.Equal(0, call.GetProperty("index").GetInt32());
        Assert.Equal("call_s", call.GetProperty("id").GetString());
        Assert.Equal("lookup", call.GetProperty("name").GetString());
        Assert.Equal("a b", call.GetProperty("arguments").GetProperty("q").GetString());
        Assert.Equal(4, events[2].Data.GetProperty("tokens_out").GetInt32());
        Assert.Equal("tool_calls", events[3].Data.GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Post_StreamReasoning_ArrivesAsReasoningDeltas()
    {
        server.UpstreamFor(FakeProviderKind.XAI).Enqueue(FakeReply.Text("The answer.").WithReasoning("Let me think"));

        using var response = await PostAsync("""{"model":"grok-4.3","stream":true,"messages":[{"role":"user","content":"q"}]}""");
        var events = await TestHttp.ReadNamedEventsAsync(response);

        Assert.Equal("xai", events[0].Data.GetProperty("provider").GetString());
        Assert.Equal("Let me think", string.Concat(events.Where(e => e.Name == "reasoning_delta").Select(e => e.Data.GetProperty("text").GetString())));
        Assert.Equal("The answer.", string.Concat(events.Where(e => e.Name == "text_delta").Select(e => e.Data.GetProperty("text").GetString())));
        Assert.True(events.FindLastIndex(e => e.Name == "reasoning_delta") < events.FindIndex(e => e.Name == "text_delta"));
    }

    [Fact]
    public async Task Post_StreamFailingAfterStart_EndsWithErrorEventAndNoFinish()
    {
        server.Upstream.Enqueue(FakeReply.StreamErrorAfter(2, "Overloaded"));

        using var response = await PostAsync("""{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"go"}]}""");
        var events = await TestHttp.ReadNamedEventsAsync(response);

        Assert.Equal("start", events[0].Name);
        Assert.Equal("error", events[^1].Name);
        Assert.DoesNotContain(events, e => e.Name == "finish");
        var error = events[^1].Data.GetProperty("error");
        Assert.Equal("upstream_error", error.GetProperty("code").GetString());
        Assert.Equal(Assert.Single(response.Headers.GetValues("x-request-id")), error.GetProperty("request_id").GetString());
    }

    [Fact]
    public async Task Post_StreamFailingBeforeFirstByte_IsAPlainJsonError()
    {
        server.Upstream.Enqueue(FakeReply.Error(429, "slow down", code: "rate_limit_exceeded", retryAfter: TimeSpan.FromSeconds(7)));

        using var response = await PostAsync("""{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"go"}]}""");

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter!.Delta);
        await AssertErrorAsync(response, "upstream_rate_limited", null);
    }

    public static TheoryData<string, string?, int, string, string?> BadRequests => new()
    {
        { SimpleBody, null, 401, "missing_api_key", null },
        { SimpleBody, "tsg-wrong-key", 401, "invalid_api_key", null },
        { "{\"model\":\"gpt-4o\",\"messages\":[", ServerUnderTest.ClientKey, 400, "invalid_json", null },
        { "{\"model\":\"gpt-4o\",\"max_tokens\":\"ten\",\"messages\":[]}", ServerUnderTest.ClientKey, 400, "invalid_json", "max_tokens" },
        { "{\"model\":\"gpt-4o\"}", ServerUnderTest.ClientKey, 400, "missing_required_parameter", "messages" },
        { "{\"model\":\"gpt-4o\",\"messages\":[]}", ServerUnderTest.ClientKey, 400, "invalid_parameter", "messages" },
        { "{\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}", ServerUnderTest.ClientKey, 400, "invalid_parameter", "messages[0].role" },
        { "{\"messages\":[{\"content\":\"x\"}]}", ServerUnderTest.ClientKey, 400, "missing_required_parameter", "messages[0].role" },
        { "{\"messages\":[{\"role\":\"user\"}]}", ServerUnderTest.ClientKey, 400, "missing_required_parameter", "messages[0].content" },
        { "{\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}", ServerUnderTest.ClientKey, 400, "missing_required_parameter", "messages[0].tool_call_id" },
        { "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"audio\"}]}]}", ServerUnderTest.ClientKey, 400, "unsupported_parameter", "messages[0].content" },
        { "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"data\":\"AAAA\"}]}]}", ServerUnderTest.ClientKey, 400, "invalid_parameter", "messages[0].content.media_type" },
        { "{\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\"}]}]}", ServerUnderTest.ClientKey, 400, "missing_required_parameter", "messages[0].tool_calls[0].name" },
        { "{\"max_tokens\":0,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", ServerUnderTest.ClientKey, 400, "invalid_parameter", "max_tokens" },
        { "{\"temperature\":3,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", ServerUnderTest.ClientKey, 400, "invalid_parameter", "temperature" },
        { "{\"conversation_id\":\"has space\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", ServerUnderTest.ClientKey, 400, "invalid_parameter", "conversation_id" },
        { "{\"conversation_id\":\"" + new string('a', 129) + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", ServerUnderTest.ClientKey, 400, "invalid_parameter", "conversation_id" },
        { "{\"conversation_id\":\"\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", ServerUnderTest.ClientKey, 400, "invalid_parameter", "conversation_id" },
        { "{\"tool_choice\":\"sometimes\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", ServerUnderTest.ClientKey, 400, "invalid_parameter", "tool_choice" },
        { "{\"tools\":[{\"description\":\"d\"}],\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", ServerUnderTest.ClientKey, 400, "missing_required_parameter", "tools[0].name" },
        { "{\"stop\":[1],\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", ServerUnderTest.ClientKey, 400, "invalid_parameter", "stop" },
        { "{\"model\":\"no-such-model\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", ServerUnderTest.ClientKey, 404, "model_not_found", "model" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Post_BadInput_GetsStatusCodeAndParam(string body, string? key, int status, string code, string? param)
    {
        var before = server.Upstream.RequestCount;

        using var response = await PostAsync(body, key);

        Assert.Equal(status, (int)response.StatusCode);
        await AssertErrorAsync(response, code, param);
        Assert.Equal(before, server.Upstream.RequestCount);
    }

    [Fact]
    public async Task Post_NotJson_Gets415()
    {
        using var response = await PostAsync(SimpleBody, contentType: "text/plain");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        await AssertErrorAsync(response, "unsupported_media_type", null);
    }

    private static async Task AssertErrorAsync(HttpResponseMessage response, string code, string? param)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var requestId = Assert.Single(response.Headers.GetValues("x-request-id"));
        var error = (await TestHttp.JsonAsync(response)).GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.Equal(param, error.GetProperty("param").ValueKind == JsonValueKind.Null ? null : error.GetProperty("param").GetString());
        Assert.Equal(requestId, error.GetProperty("request_id").GetString());
    }
}
