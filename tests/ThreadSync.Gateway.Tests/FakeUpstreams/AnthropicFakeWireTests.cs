using System.Net;
using System.Text.Json;
using ThreadSync.Testing.FakeUpstreams;

namespace ThreadSync.Gateway.Tests.FakeUpstreams;

public sealed class AnthropicFakeWireTests : IAsyncLifetime
{
    private const string Hello = """{"model":"claude-sonnet-4-6","max_tokens":256,"messages":[{"role":"user","content":"hello there"}]}""";

    private const string HelloStream = """{"model":"claude-sonnet-4-6","max_tokens":256,"stream":true,"messages":[{"role":"user","content":"hello there"}]}""";

    private readonly HttpClient _http = FakeWire.NewClient();
    private FakeProviderServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await FakeProviderServer.StartAsync(FakeProviderKind.Anthropic, cancellationToken: Ct);

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public void Urls_BareOriginAndMessagesPath()
    {
        Assert.Equal("/", _server.BaseUrl.AbsolutePath);
        Assert.Equal("/v1/messages", _server.ChatCompletionsUrl.AbsolutePath);
    }

    [Fact]
    public async Task Post_WrongApiKey_Returns401AuthenticationErrorWithRequestId()
    {
        using var response = await PostAsync(Hello, key: "wrong");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var requestId = Assert.Single(response.Headers.GetValues("request-id"));
        Assert.StartsWith("req_", requestId, StringComparison.Ordinal);
        var body = await FakeWire.ReadJsonAsync(response, Ct);
        Assert.Equal("error", body.GetProperty("type").GetString());
        Assert.Equal("authentication_error", body.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal("invalid x-api-key", body.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(requestId, body.GetProperty("request_id").GetString());
    }

    [Fact]
    public async Task Post_MissingApiKey_Returns401()
    {
        using var response = await PostAsync(Hello, key: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var error = (await FakeWire.ReadJsonAsync(response, Ct)).GetProperty("error");
        Assert.Equal("authentication_error", error.GetProperty("type").GetString());
        Assert.Equal("x-api-key header is required", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Post_MissingVersionHeader_Returns400()
    {
        using var response = await PostAsync(Hello, version: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await FakeWire.ReadJsonAsync(response, Ct)).GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("anthropic-version: header is required", error.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"}]}""", "max_tokens: Field required")]
    [InlineData("""{"max_tokens":5,"messages":[{"role":"user","content":"hi"}]}""", "model: Field required")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[]}""", "messages: at least one message is required")]
    [InlineData("""{"model":"m","max_tokens":5}""", "messages: Field required")]
    [InlineData("""[1,2]""", "valid dictionary")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"system","content":"be terse"},{"role":"user","content":"hi"}]}""", "top-level `system` parameter")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"tool","content":"x"}]}""", "messages.0.role: Input should be 'user' or 'assistant'")]
    [InlineData("""{"model":"m","max_tokens":5,"temperature":1.5,"messages":[{"role":"user","content":"hi"}]}""", "temperature: Input should be less than or equal to 1")]
    [InlineData("""{"model":"m","max_tokens":5,"stream_options":{},"messages":[{"role":"user","content":"hi"}]}""", "stream_options: Extra inputs are not permitted")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"text","text":""}]}]}""", "text content blocks must be non-empty")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/bmp","data":"AAAA"}}]}]}""", "media_type: Input should be 'image/jpeg'")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/png"}}]}]}""", "source.base64.data: Field required")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"file_uri","uri":"x"}}]}]}""", "expected tags: 'base64', 'url'")]
    [InlineData("""{"model":"m","max_tokens":5,"tools":[{"name":"lookup"}],"messages":[{"role":"user","content":"hi"}]}""", "tools.0.custom.input_schema: Field required")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"q"},{"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"f","input":{}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_2","content":"r"}]}]}""", "unexpected `tool_use_id` found in `tool_result` blocks: toolu_2")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"q"},{"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"f","input":"{}"}]}]}""", "tool_use.input: Input should be a valid dictionary")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"q"},{"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"f","input":{}}]},{"role":"user","content":"no result"}]}""", "`tool_use` ids were found without `tool_result` blocks immediately after: toolu_1")]
    public async Task Post_InvalidRequest_Returns400InvalidRequestError(string json, string expectedMessagePart)
    {
        using var response = await PostAsync(json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await FakeWire.ReadJsonAsync(response, Ct);
        Assert.Equal("invalid_request_error", body.GetProperty("error").GetProperty("type").GetString());
        Assert.Contains(expectedMessagePart, body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, _server.PendingReplyCount);
    }

    [Fact]
    public async Task Post_ToolRoundTripImagesAndSystemBlocks_AreAccepted()
    {
        const string json = """
            {"model":"m","max_tokens":5,"system":[{"type":"text","text":"Be terse."}],"temperature":0.2,
             "tools":[{"name":"lookup","input_schema":{"type":"object"}}],
             "messages":[
              {"role":"user","content":[{"type":"text","text":"look"},{"type":"image","source":{"type":"url","url":"https://example.org/a.png"}},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0"}}]},
              {"role":"assistant","content":[{"type":"thinking","thinking":"t","signature":"s"},{"type":"tool_use","id":"toolu_1","name":"lookup","input":{"q":"x"}}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"found"},{"type":"text","text":"and now?"}]}]}
            """;

        using var response = await PostAsync(json);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await FakeWire.ReadJsonAsync(response, Ct);
        Assert.Equal("Echo: and now?", body.GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Post_NoReplyQueued_EchoesWithWordCountUsage()
    {
        using var response = await PostAsync(Hello);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await FakeWire.ReadJsonAsync(response, Ct);
        Assert.StartsWith("msg_", body.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("message", body.GetProperty("type").GetString());
        Assert.Equal("assistant", body.GetProperty("role").GetString());
        Assert.Equal("claude-sonnet-4-6", body.GetProperty("model").GetString());
        var block = Assert.Single(body.GetProperty("content").EnumerateArray());
        Assert.Equal("text", block.GetProperty("type").GetString());
        Assert.Equal("Echo: hello there", block.GetProperty("text").GetString());
        Assert.Equal("end_turn", body.GetProperty("stop_reason").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("stop_sequence").ValueKind);
        var usage = body.GetProperty("usage");
        Assert.Equal(2, usage.GetProperty("input_tokens").GetInt32());
        Assert.Equal(3, usage.GetProperty("output_tokens").GetInt32());
        Assert.Equal(0, usage.GetProperty("cache_read_input_tokens").GetInt32());
        Assert.Equal(0, usage.GetProperty("cache_creation_input_tokens").GetInt32());
        Assert.Equal("standard", usage.GetProperty("service_tier").GetString());
    }

    [Fact]
    public async Task Post_ReasoningTextAndToolCall_BlocksInOrderWithObjectInputAndProviderUsage()
    {
        _server.Enqueue(FakeReply.ToolCalls([new FakeToolCall("toolu_01Ab", "lookup", """{"q":"capital of France"}""")], new FakeUsage(120, 35, CachedTokens: 2048, CacheWriteTokens: 7), text: "Let me check.")
            .WithReasoning("User wants a fact."));

        using var response = await PostAsync(Hello);

        var body = await FakeWire.ReadJsonAsync(response, Ct);
        var content = body.GetProperty("content");
        Assert.Equal(3, content.GetArrayLength());
        Assert.Equal("thinking", content[0].GetProperty("type").GetString());
        Assert.Equal("User wants a fact.", content[0].GetProperty("thinking").GetString());
        Assert.False(string.IsNullOrEmpty(content[0].GetProperty("signature").GetString()));
        Assert.Equal("Let me check.", content[1].GetProperty("text").GetString());
        Assert.Equal("tool_use", content[2].GetProperty("type").GetString());
        Assert.Equal("toolu_01Ab", content[2].GetProperty("id").GetString());
        Assert.Equal("lookup", content[2].GetProperty("name").GetString());
        Assert.Equal("capital of France", content[2].GetProperty("input").GetProperty("q").GetString());
        Assert.Equal("tool_use", body.GetProperty("stop_reason").GetString());
        var usage = body.GetProperty("usage");
        Assert.Equal(120, usage.GetProperty("input_tokens").GetInt32());
        Assert.Equal(2048, usage.GetProperty("cache_read_input_tokens").GetInt32());
        Assert.Equal(7, usage.GetProperty("cache_creation_input_tokens").GetInt32());
        Assert.Equal(35, usage.GetProperty("output_tokens").GetInt32());
    }

    [Theory]
    [InlineData("stop", "end_turn")]
    [InlineData("length", "max_tokens")]
    [InlineData("content_filter", "refusal")]
    [InlineData("pause_turn", "pause_turn")]
    [InlineData("model_context_window_exceeded", "model_context_window_exceeded")]
    public async Task Post_FinishReason_MapsToStopReason(string finishReason, string expected)
    {
        _server.Enqueue(FakeReply.Text("ok", finishReason: finishReason));

        using var response = await PostAsync(Hello);

        Assert.Equal(expected, (await FakeWire.ReadJsonAsync(response, Ct)).GetProperty("stop_reason").GetString());
    }

    [Fact]
    public async Task Post_WithStopSequence_ReportsStopSequence()
    {
        _server.Enqueue(FakeReply.Text("1, 2, 3").WithStopSequence("END"));

        using var response = await PostAsync(Hello);

        var body = await FakeWire.ReadJsonAsync(response, Ct);
        Assert.Equal("stop_sequence", body.GetProperty("stop_reason").GetString());
        Assert.Equal("END", body.GetProperty("stop_sequence").GetString());
    }

    [Fact]
    public async Task Stream_ReasoningTextAndTwoTools_FullEventSequence()
    {
        const string args = """{"q": "capital of France", "n": 12345}""";
        _server.Enqueue(FakeReply.ToolCalls(
            [new FakeToolCall("toolu_1", "lookup", args), new FakeToolCall("toolu_2", "noargs", string.Empty)],
            new FakeUsage(120, 35, CachedTokens: 5, CacheWriteTokens: 3),
            text: "Let me check.").WithReasoning("Think first."));

        using var response = await PostAsync(HelloStream);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("req_", Assert.Single(response.Headers.GetValues("request-id")), StringComparison.Ordinal);
        var events = FakeWire.ParseSse(await response.Content.ReadAsStringAsync(Ct));
        foreach (var e in events)
        {
            using var data = JsonDocument.Parse(e.Data!);
            Assert.Equal(e.Name, data.RootElement.GetProperty("type").GetString());
        }

        var names = events.Select(e => e.Name).ToList();
        var expected = new List<string?> { "message_start", "ping", "content_block_start" };
        expected.AddRange(Enumerable.Repeat<string?>("content_block_delta", 3)); // "Think " "first." signature
        expected.AddRange(["content_block_stop", "content_block_start"]);
        expected.AddRange(Enumerable.Repeat<string?>("content_block_delta", 3)); // "Let " "me " "check."
        expected.AddRange(["content_block_stop", "content_block_start"]);
        var fragments = events.Count(e => e.Data!.Contains("\"index\":2", StringComparison.Ordinal) && e.Name == "content_block_delta");
        Assert.True(fragments >= 2, "tool input arrives in at least two fragments");
        expected.AddRange(Enumerable.Repeat<string?>("content_block_delta", fragments));
        expected.AddRange(["content_block_stop", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"]);
        Assert.Equal(expected, names);

        var start = Json(events[0]).GetProperty("message");
        Assert.StartsWith("msg_", start.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, start.GetProperty("content").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, start.GetProperty("stop_reason").ValueKind);
        Assert.Equal(120, start.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.Equal(5, start.GetProperty("usage").GetProperty("cache_read_input_tokens").GetInt32());
        Assert.Equal(3, start.GetProperty("usage").GetProperty("cache_creation_input_tokens").GetInt32());
        Assert.Equal(1, start.GetProperty("usage").GetProperty("output_tokens").GetInt32());

        var deltas = events.Where(e => e.Name == "content_block_delta").Select(e => Json(e)).ToList();
        Assert.Equal("Think first.", string.Concat(deltas.Where(d => Type(d) == "thinking_delta").Select(d => d.GetProperty("delta").GetProperty("thinking").GetString())));
        Assert.Single(deltas, d => Type(d) == "signature_delta");
        Assert.Equal("Let me check.", string.Concat(deltas.Where(d => Type(d) == "text_delta").Select(d => d.GetProperty("delta").GetProperty("text").GetString())));

        var toolStart = Json(events.Where(e => e.Name == "content_block_start").ElementAt(2));
        Assert.Equal(2, toolStart.GetProperty("index").GetInt32());
        var block = toolStart.GetProperty("content_block");
        Assert.Equal("tool_use", block.GetProperty("type").GetString());
        Assert.Equal("toolu_1", block.GetProperty("id").GetString());
        Assert.Equal("lookup", block.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Object, block.GetProperty("input").ValueKind);
        Assert.Empty(block.GetProperty("input").EnumerateObject());

        var parts = deltas.Where(d => Type(d) == "input_json_delta" && d.GetProperty("index").GetInt32() == 2)
            .Select(d => d.GetProperty("delta").GetProperty("partial_json").GetString()!).ToList();
        Assert.Equal(args, string.Concat(parts));
        Assert.True(char.IsLetterOrDigit(parts[0][^1]) && char.IsLetterOrDigit(parts[1][0]), $"split inside a token: '{parts[0]}' | '{parts[1]}'");
        var empty = Assert.Single(deltas, d => Type(d) == "input_json_delta" && d.GetProperty("index").GetInt32() == 3);
        Assert.Equal(string.Empty, empty.GetProperty("delta").GetProperty("partial_json").GetString());

        var messageDelta = Json(events[^2]);
        Assert.Equal("tool_use", messageDelta.GetProperty("delta").GetProperty("stop_reason").GetString());
        Assert.Equal(JsonValueKind.Null, messageDelta.GetProperty("delta").GetProperty("stop_sequence").ValueKind);
        Assert.Equal(35, messageDelta.GetProperty("usage").GetProperty("output_tokens").GetInt32());
    }

    [Fact]
    public async Task Stream_WithKeepAlivesAndStopSequence_PingBeforeEveryEvent()
    {
        _server.Enqueue(FakeReply.Text("a b").WithStopSequence("###").WithKeepAlives());

        using var response = await PostAsync(HelloStream);

        var names = FakeWire.ParseSse(await response.Content.ReadAsStringAsync(Ct)).Select(e => e.Name).ToList();
        var withoutPings = new List<string?> { "message_start", "ping", "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop" };
        Assert.Equal(withoutPings.SelectMany(n => new[] { "ping", n }), names);
    }

    [Fact]
    public async Task Stream_ErrorAfterChunks_SendsErrorEventAndNoMessageStop()
    {
        _server.Enqueue(FakeReply.StreamErrorAfter(2, "Overloaded"));

        using var response = await PostAsync(HelloStream);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = FakeWire.ParseSse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(new string?[] { "message_start", "ping", "content_block_start", "content_block_delta", "content_block_delta", "error" }, events.Select(e => e.Name));
        var error = Json(events[^1]);
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Equal("overloaded_error", error.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal("Overloaded", error.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Stream_DropAfterChunks_CutsTheConnection()
    {
        _server.Enqueue(FakeReply.StreamDropAfter(2));

        using var response = await PostAsync(HelloStream);

        var (received, failed) = await FakeWire.ReadUntilDropAsync(response, Ct);
        Assert.True(failed, "the body must end abnormally");
        Assert.Contains("chunk2", received, StringComparison.Ordinal);
        Assert.DoesNotContain("message_stop", received, StringComparison.Ordinal);
        Assert.DoesNotContain("message_delta", received, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_SpendLimitError_HasDetailsErrorCodeAndRetryHeaders()
    {
        _server.Enqueue(FakeReply.Error(429, "Spend limit reached", code: "enforced_spend_limit_reached", retryAfter: TimeSpan.FromMilliseconds(1500))
            .WithHeaders(new Dictionary<string, string> { ["x-should-retry"] = "false" }));

        using var response = await PostAsync(Hello);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("2", Assert.Single(response.Headers.GetValues("retry-after")));
        Assert.Equal("1500", Assert.Single(response.Headers.GetValues("retry-after-ms")));
        Assert.Equal("false", Assert.Single(response.Headers.GetValues("x-should-retry")));
        var body = await FakeWire.ReadJsonAsync(response, Ct);
        Assert.Equal("error", body.GetProperty("type").GetString());
        var error = body.GetProperty("error");
        Assert.Equal("rate_limit_error", error.GetProperty("type").GetString());
        Assert.Equal("Spend limit reached", error.GetProperty("message").GetString());
        Assert.Equal("enforced_spend_limit_reached", error.GetProperty("details").GetProperty("error_code").GetString());
        Assert.StartsWith("req_", body.GetProperty("request_id").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(402, "billing_error")]
    [InlineData(403, "permission_error")]
    [InlineData(404, "not_found_error")]
    [InlineData(413, "request_too_large")]
    [InlineData(500, "api_error")]
    [InlineData(502, "api_error")]
    [InlineData(504, "timeout_error")]
    [InlineData(529, "overloaded_error")]
    public async Task Post_Error_DefaultTypePerStatus(int status, string type)
    {
        _server.Enqueue(FakeReply.Error(status, "boom"));

        using var response = await PostAsync(Hello);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(type, (await FakeWire.ReadJsonAsync(response, Ct)).GetProperty("error").GetProperty("type").GetString());
        Assert.False(response.Headers.Contains("retry-after"));
    }

    private static JsonElement Json(SseEvent e)
    {
        using var document = JsonDocument.Parse(e.Data!);
        return document.RootElement.Clone();
    }

    private static string? Type(JsonElement delta) => delta.GetProperty("delta").GetProperty("type").GetString();

    private Task<HttpResponseMessage> PostAsync(string json, string? key = "", string? version = "2023-06-01")
    {
        var headers = new Dictionary<string, string>();
        if (key is not null)
        {
            headers["x-api-key"] = key.Length == 0 ? _server.ApiKey : key;
        }

        if (version is not null)
        {
            headers["anthropic-version"] = version;
        }

        return FakeWire.PostAsync(_http, _server.ChatCompletionsUrl, json, headers, Ct);
    }
}
