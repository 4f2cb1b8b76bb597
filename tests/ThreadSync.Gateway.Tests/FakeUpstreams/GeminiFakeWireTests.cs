using System.Net;
using System.Text.Json;
using ThreadSync.Testing.FakeUpstreams;

namespace ThreadSync.Gateway.Tests.FakeUpstreams;

public sealed class GeminiFakeWireTests : IAsyncLifetime
{
    private const string Model = "gemini-2.5-flash";

    private const string Hello = """{"contents":[{"role":"user","parts":[{"text":"hello there"}]}]}""";

    private readonly HttpClient _http = FakeWire.NewClient();
    private readonly FakeProviderOptions _options = new();
    private FakeProviderServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await FakeProviderServer.StartAsync(FakeProviderKind.Gemini, _options, Ct);

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public void Urls_V1BetaBaseAndModelsCollection()
    {
        Assert.Equal("/v1beta", _server.BaseUrl.AbsolutePath);
        Assert.Equal("/v1beta/models", _server.ChatCompletionsUrl.AbsolutePath);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    public async Task Post_MissingOrWrongKey_Returns400ApiKeyInvalid(string? key)
    {
        var headers = key is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["x-goog-api-key"] = key };

        using var response = await FakeWire.PostAsync(_http, Url(":generateContent"), Hello, headers, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await FakeWire.ReadJsonAsync(response, Ct)).GetProperty("error");
        Assert.Equal(400, error.GetProperty("code").GetInt32());
        Assert.Equal("API key not valid. Please pass a valid API key.", error.GetProperty("message").GetString());
        Assert.Equal("INVALID_ARGUMENT", error.GetProperty("status").GetString());
        var detail = Assert.Single(error.GetProperty("details").EnumerateArray());
        Assert.Equal("type.googleapis.com/google.rpc.ErrorInfo", detail.GetProperty("@type").GetString());
        Assert.Equal("API_KEY_INVALID", detail.GetProperty("reason").GetString());
        Assert.Equal("googleapis.com", detail.GetProperty("domain").GetString());
        Assert.Equal("generativelanguage.googleapis.com", detail.GetProperty("metadata").GetProperty("service").GetString());
    }

    [Fact]
    public async Task Post_KeyInQuery_IsAcceptedAndRecorded()
    {
        using var response = await FakeWire.PostAsync(_http, Url(":generateContent?key=" + _server.ApiKey), Hello, new Dictionary<string, string>(), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("key=" + _server.ApiKey, _server.LastRequest.QueryString, StringComparison.Ordinal);
        Assert.Equal($"/v1beta/models/{Model}:generateContent", _server.LastRequest.Path);
    }

    [Theory]
    [InlineData("""{}""", "contents is not specified")]
    [InlineData("""{"contents":[]}""", "contents is not specified")]
    [InlineData("""{"contents":[{"role":"assistant","parts":[{"text":"hi"}]}]}""", "Please use a valid role: user, model.")]
    [InlineData("""{"contents":[{"role":"user","parts":[]}]}""", "contents.parts must not be empty")]
    [InlineData("""{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"stream":true}""", "Unknown name \"stream\"")]
    [InlineData("""{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":{"temperature":2.5}}""", "temperature must be in the range [0.0, 2.0]")]
    [InlineData("""{"contents":[{"role":"user","parts":[{"text":"q"}]},{"role":"model","parts":[{"functionCall":{"name":"lookup","args":{}}}]},{"role":"user","parts":[{"functionResponse":{"name":"lookup","response":"plain"}}]}]}""", "function_response.response")]
    [InlineData("""{"contents":[{"role":"user","parts":[{"text":"q"}]},{"role":"model","parts":[{"functionCall":{"name":"lookup","args":{}}}]},{"role":"user","parts":[{"functionResponse":{"name":"other","response":{"result":1}}}]}]}""", "function response name 'other'")]
    [InlineData("""{"contents":[{"role":"user","parts":[{"functionResponse":{"name":"lookup","response":{"result":1}}}]}]}""", "function response turn comes immediately after a function call turn")]
    [InlineData("""not json""", "Invalid JSON payload received")]
    public async Task Post_InvalidRequest_Returns400InvalidArgument(string json, string expectedMessagePart)
    {
        using var response = await PostAsync(":generateContent", json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await FakeWire.ReadJsonAsync(response, Ct)).GetProperty("error");
        Assert.Equal(400, error.GetProperty("code").GetInt32());
        Assert.Equal("INVALID_ARGUMENT", error.GetProperty("status").GetString());
        Assert.Contains(expectedMessagePart, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_EmptyModelSegment_Returns400()
    {
        using var response = await FakeWire.PostAsync(_http, new Uri(_server.BaseUrl + "/models/:generateContent"), Hello, KeyHeader(), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("INVALID_ARGUMENT", (await FakeWire.ReadJsonAsync(response, Ct)).GetProperty("error").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Post_DoubledModelsPrefix_Returns404()
    {
        using var response = await FakeWire.PostAsync(_http, new Uri(_server.BaseUrl + "/models/models/x:generateContent"), Hello, KeyHeader(), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("NOT_FOUND", (await FakeWire.ReadJsonAsync(response, Ct)).GetProperty("error").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Post_NoReplyQueued_EchoesWithUsageMetadata()
    {
        using var response = await PostAsync(":generateContent", """{"systemInstruction":{"parts":[{"text":"Be terse."}]},"contents":[{"role":"user","parts":[{"text":"hello there"}]}]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await FakeWire.ReadJsonAsync(response, Ct);
        var candidate = Assert.Single(body.GetProperty("candidates").EnumerateArray());
        Assert.Equal("model", candidate.GetProperty("content").GetProperty("role").GetString());
        Assert.Equal("Echo: hello there", Assert.Single(candidate.GetProperty("content").GetProperty("parts").EnumerateArray()).GetProperty("text").GetString());
        Assert.Equal("STOP", candidate.GetProperty("finishReason").GetString());
        Assert.Equal(0, candidate.GetProperty("index").GetInt32());
        var usage = body.GetProperty("usageMetadata");
        Assert.Equal(4, usage.GetProperty("promptTokenCount").GetInt32());
        Assert.Equal(3, usage.GetProperty("candidatesTokenCount").GetInt32());
        Assert.Equal(0, usage.GetProperty("thoughtsTokenCount").GetInt32());
        Assert.Equal(7, usage.GetProperty("totalTokenCount").GetInt32());
        Assert.False(usage.TryGetProperty("cachedContentTokenCount", out _));
        Assert.Equal(Model, body.GetProperty("modelVersion").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("responseId").GetString()));
    }

    [Fact]
    public async Task Post_ThoughtTextAndFunctionCall_PartsWithSignatureNoIdAndThoughtsOutsideCandidates()
    {
        _server.Enqueue(FakeReply.ToolCalls([new FakeToolCall("call_1", "lookup", """{"q":"capital of France"}""")], new FakeUsage(120, 15, ReasoningTokens: 20, CachedTokens: 100), text: "Let me check.")
            .WithReasoning("User wants a fact."));

        using var response = await PostAsync(":generateContent", Hello);

        var body = await FakeWire.ReadJsonAsync(response, Ct);
        var candidate = body.GetProperty("candidates")[0];
        var parts = candidate.GetProperty("content").GetProperty("parts");
        Assert.Equal(3, parts.GetArrayLength());
        Assert.Equal("User wants a fact.", parts[0].GetProperty("text").GetString());
        Assert.True(parts[0].GetProperty("thought").GetBoolean());
        Assert.Equal("Let me check.", parts[1].GetProperty("text").GetString());
        Assert.False(parts[1].TryGetProperty("thought", out _));
        var call = parts[2].GetProperty("functionCall");
        Assert.False(call.TryGetProperty("id", out _));
        Assert.Equal("lookup", call.GetProperty("name").GetString());
        Assert.Equal("capital of France", call.GetProperty("args").GetProperty("q").GetString());
        Assert.False(string.IsNullOrEmpty(parts[2].GetProperty("thoughtSignature").GetString()));
        Assert.Equal("STOP", candidate.GetProperty("finishReason").GetString());
        var usage = body.GetProperty("usageMetadata");
        Assert.Equal(120, usage.GetProperty("promptTokenCount").GetInt32());
        Assert.Equal(15, usage.GetProperty("candidatesTokenCount").GetInt32());
        Assert.Equal(20, usage.GetProperty("thoughtsTokenCount").GetInt32());
        Assert.Equal(155, usage.GetProperty("totalTokenCount").GetInt32());
        Assert.Equal(100, usage.GetProperty("cachedContentTokenCount").GetInt32());
    }

    [Fact]
    public async Task Post_SendsFunctionCallIdsOption_AddsId()
    {
        _options.GeminiSendsFunctionCallIds = true;
        _server.Enqueue(FakeReply.ToolCalls([new FakeToolCall("call_7", "lookup", "{}")]));

        using var response = await PostAsync(":generateContent", Hello);

        var call = (await FakeWire.ReadJsonAsync(response, Ct)).GetProperty("candidates")[0].GetProperty("content").GetProperty("parts")[0].GetProperty("functionCall");
        Assert.Equal("call_7", call.GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("length", "MAX_TOKENS")]
    [InlineData("content_filter", "SAFETY")]
    [InlineData("RECITATION", "RECITATION")]
    [InlineData("MALFORMED_FUNCTION_CALL", "MALFORMED_FUNCTION_CALL")]
    public async Task Post_FinishReason_Maps(string finishReason, string expected)
    {
        _server.Enqueue(FakeReply.Text("x", finishReason: finishReason));

        using var response = await PostAsync(":generateContent", Hello);

        Assert.Equal(expected, (await FakeWire.ReadJsonAsync(response, Ct)).GetProperty("candidates")[0].GetProperty("finishReason").GetString());
    }

    [Fact]
    public async Task Post_PromptBlocked_NoCandidatesAndBlockReason()
    {
        _server.Enqueue(FakeReply.PromptBlocked("PROHIBITED_CONTENT"));

        using var response = await PostAsync(":generateContent", Hello);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await FakeWire.ReadJsonAsync(response, Ct);
        Assert.False(body.TryGetProperty("candidates", out _));
        Assert.Equal("PROHIBITED_CONTENT", body.GetProperty("promptFeedback").GetProperty("blockReason").GetString());
        Assert.Equal(2, body.GetProperty("usageMetadata").GetProperty("promptTokenCount").GetInt32());
    }

    [Fact]
    public async Task Stream_AltSse_CrlfEventsDeltasUsageOnEveryChunkFinishOnLastNoDone()
    {
        _server.Enqueue(FakeReply.ToolCalls([new FakeToolCall("c1", "lookup", """{"q":"x"}""")], new FakeUsage(9, 4, ReasoningTokens: 2), text: "Par is.").WithReasoning("hmm"));

        using var response = await PostAsync(":streamGenerateContent?alt=sse", Hello);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain("[DONE]", text, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n", text, StringComparison.Ordinal);
        Assert.Equal(text.Split("\n").Length - 1, text.Split("\r\n").Length - 1); // every LF is part of a CRLF
        var events = FakeWire.ParseSse(text);
        Assert.Equal(4, events.Count); // "hmm" | "Par " | "is." | functionCall
        var chunks = events.Select(e => JsonDocument.Parse(e.Data!).RootElement).ToList();
        var ids = chunks.Select(c => c.GetProperty("responseId").GetString()).Distinct();
        Assert.Single(ids);
        Assert.All(chunks, c => Assert.Equal(Model, c.GetProperty("modelVersion").GetString()));
        Assert.All(chunks, c => Assert.True(c.TryGetProperty("usageMetadata", out _)));
        Assert.All(chunks[..^1], c => Assert.False(c.GetProperty("candidates")[0].TryGetProperty("finishReason", out _)));
        Assert.All(chunks[..^1], c => Assert.False(c.GetProperty("usageMetadata").TryGetProperty("candidatesTokenCount", out _)));

        var thought = chunks[0].GetProperty("candidates")[0].GetProperty("content").GetProperty("parts")[0];
        Assert.True(thought.GetProperty("thought").GetBoolean());
        Assert.Equal("Par is.", string.Concat(chunks[1..3].Select(c => c.GetProperty("candidates")[0].GetProperty("content").GetProperty("parts")[0].GetProperty("text").GetString())));
        var last = chunks[^1].GetProperty("candidates")[0];
        Assert.Equal("STOP", last.GetProperty("finishReason").GetString());
        var part = last.GetProperty("content").GetProperty("parts")[0];
        Assert.Equal("x", part.GetProperty("functionCall").GetProperty("args").GetProperty("q").GetString());
        Assert.True(part.TryGetProperty("thoughtSignature", out _));
        var usage = chunks[^1].GetProperty("usageMetadata");
        Assert.Equal(4, usage.GetProperty("candidatesTokenCount").GetInt32());
        Assert.Equal(2, usage.GetProperty("thoughtsTokenCount").GetInt32());
        Assert.Equal(15, usage.GetProperty("totalTokenCount").GetInt32());
    }

    [Fact]
    public async Task Stream_WithoutAltSse_ReturnsJsonArray()
    {
        _server.Enqueue(FakeReply.Text("one two"));

        using var response = await PostAsync(":streamGenerateContent", Hello);

        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        var body = await FakeWire.ReadJsonAsync(response, Ct);
        Assert.Equal(JsonValueKind.Array, body.ValueKind);
        Assert.Equal(2, body.GetArrayLength());
        Assert.Equal("STOP", body[1].GetProperty("candidates")[0].GetProperty("finishReason").GetString());
    }

    [Fact]
    public async Task Stream_KeepAlives_CrlfCommentBeforeEveryEvent()
    {
        _server.Enqueue(FakeReply.Text("a b").WithKeepAlives());

        using var response = await PostAsync(":streamGenerateContent?alt=sse", Hello);

        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.StartsWith(": keep-alive\r\n\r\ndata: ", text, StringComparison.Ordinal);
        Assert.Equal(2, FakeWire.ParseSse(text).Count(e => e.Comment == ": keep-alive"));
    }

    [Fact]
    public async Task Stream_PromptBlocked_SingleChunk()
    {
        _server.Enqueue(FakeReply.PromptBlocked("SAFETY"));

        using var response = await PostAsync(":streamGenerateContent?alt=sse", Hello);

        var chunk = JsonDocument.Parse(Assert.Single(FakeWire.ParseSse(await response.Content.ReadAsStringAsync(Ct))).Data!).RootElement;
        Assert.Equal("SAFETY", chunk.GetProperty("promptFeedback").GetProperty("blockReason").GetString());
        Assert.False(chunk.TryGetProperty("candidates", out _));
    }

    [Fact]
    public async Task Stream_ErrorAfterChunks_EndsWithErrorObject()
    {
        _server.Enqueue(FakeReply.StreamErrorAfter(2, "Internal error encountered."));

        using var response = await PostAsync(":streamGenerateContent?alt=sse", Hello);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = FakeWire.ParseSse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(3, events.Count);
        var error = JsonDocument.Parse(events[^1].Data!).RootElement.GetProperty("error");
        Assert.Equal(500, error.GetProperty("code").GetInt32());
        Assert.Equal("INTERNAL", error.GetProperty("status").GetString());
        Assert.Equal("Internal error encountered.", error.GetProperty("message").GetString());
        Assert.DoesNotContain("finishReason", events[1].Data!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_DropAfterChunks_CutsTheConnection()
    {
        _server.Enqueue(FakeReply.StreamDropAfter(1));

        using var response = await PostAsync(":streamGenerateContent?alt=sse", Hello);

        var (received, failed) = await FakeWire.ReadUntilDropAsync(response, Ct);
        Assert.True(failed, "the body must end abnormally");
        Assert.Contains("chunk1", received, StringComparison.Ordinal);
        Assert.DoesNotContain("finishReason", received, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(17_000, "17s")]
    [InlineData(1_500, "1.5s")]
    public async Task Post_RateLimited_RetryInfoDetailAndNoRetryAfterHeader(int milliseconds, string expectedDelay)
    {
        _server.Enqueue(FakeReply.Error(429, "Resource has been exhausted (e.g. check quota).", retryAfter: TimeSpan.FromMilliseconds(milliseconds)));

        using var response = await PostAsync(":generateContent", Hello);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.False(response.Headers.Contains("Retry-After"));
        var error = (await FakeWire.ReadJsonAsync(response, Ct)).GetProperty("error");
        Assert.Equal(429, error.GetProperty("code").GetInt32());
        Assert.Equal("RESOURCE_EXHAUSTED", error.GetProperty("status").GetString());
        var retry = Assert.Single(error.GetProperty("details").EnumerateArray());
        Assert.Equal("type.googleapis.com/google.rpc.RetryInfo", retry.GetProperty("@type").GetString());
        Assert.Equal(expectedDelay, retry.GetProperty("retryDelay").GetString());
    }

    [Theory]
    [InlineData(401, "UNAUTHENTICATED")]
    [InlineData(403, "PERMISSION_DENIED")]
    [InlineData(404, "NOT_FOUND")]
    [InlineData(500, "INTERNAL")]
    [InlineData(503, "UNAVAILABLE")]
    [InlineData(504, "DEADLINE_EXCEEDED")]
    public async Task Post_Error_StatusPerHttpCode(int status, string expected)
    {
        _server.Enqueue(FakeReply.Error(status, "boom"));

        using var response = await PostAsync(":generateContent", Hello);

        Assert.Equal(status, (int)response.StatusCode);
        var error = (await FakeWire.ReadJsonAsync(response, Ct)).GetProperty("error");
        Assert.Equal(status, error.GetProperty("code").GetInt32());
        Assert.Equal(expected, error.GetProperty("status").GetString());
        Assert.False(error.TryGetProperty("details", out _));
    }

    [Fact]
    public async Task Post_RequireThoughtSignatures_RejectsHistoryWithoutSignatureAndAcceptsEchoedOne()
    {
        _options.GeminiRequiresThoughtSignatures = true;
        const string template = """
            {"contents":[{"role":"user","parts":[{"text":"q"}]},
             {"role":"model","parts":[{"functionCall":{"name":"lookup","args":{"q":"x"}}SIGNATURE}]},
             {"role":"user","parts":[{"functionResponse":{"name":"lookup","response":{"result":"y"}}}]}]}
            """;

        using (var rejected = await PostAsync(":generateContent", template.Replace("SIGNATURE", string.Empty, StringComparison.Ordinal)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, rejected.StatusCode);
            Assert.Contains("thought_signature", (await FakeWire.ReadJsonAsync(rejected, Ct)).GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        using var accepted = await PostAsync(":generateContent", template.Replace("SIGNATURE", ""","thoughtSignature":"c2ln" """, StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    private Uri Url(string suffix) => new(_server.BaseUrl + "/models/" + Model + suffix);

    private Dictionary<string, string> KeyHeader() => new() { ["x-goog-api-key"] = _server.ApiKey };

    private Task<HttpResponseMessage> PostAsync(string suffix, string json) => FakeWire.PostAsync(_http, Url(suffix), json, KeyHeader(), Ct);
}
