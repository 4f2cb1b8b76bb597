using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ThreadSync.Testing.FakeUpstreams;

namespace ThreadSync.Hosting.Tests;

/// <summary>The HTTP contract of the OpenAI-compatible endpoint, checked on the wire.</summary>
public sealed class ChatCompletionsHttpTests(ServerUnderTest server) : IClassFixture<ServerUnderTest>
{
    private const string SimpleBody = """{"model":"gpt-4o","messages":[{"role":"user","content":"hi there"}]}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<HttpResponseMessage> PostAsync(string body, string? key = ServerUnderTest.ClientKey, string contentType = "application/json", string path = "/v1/chat/completions", bool bearer = true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.BaseUrl, path)) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (key is not null)
        {
            if (bearer)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            }
            else
            {
                request.Headers.Add("x-api-key", key);
            }
        }

        return await server.Http.SendAsync(request, Ct);
    }

    [Fact]
    public async Task Post_ReturnsOpenAIShapePlusFlattenedThreadSyncFields()
    {
        server.Upstream.Enqueue(FakeReply.Text("Hello back.", new FakeUsage(1000, 500, CachedTokens: 200)));

        using var response = await PostAsync(SimpleBody, bearer: false);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var requestId = Assert.Single(response.Headers.GetValues("x-request-id"));
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal("chat.completion", json.GetProperty("object").GetString());
        Assert.Equal("chatcmpl-" + requestId, json.GetProperty("id").GetString());
        Assert.True(json.GetProperty("created").GetInt64() > 1_700_000_000);
        Assert.Equal("gpt-4o", json.GetProperty("model").GetString());
        var choice = json.GetProperty("choices")[0];
        Assert.Equal("assistant", choice.GetProperty("message").GetProperty("role").GetString());
        Assert.Equal("Hello back.", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        var usage = json.GetProperty("usage");
        Assert.Equal(1000, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(500, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(1500, usage.GetProperty("total_tokens").GetInt32());

        // Flattened fields.
        Assert.Equal("Hello back.", json.GetProperty("content").GetString());
        Assert.Equal("openai", json.GetProperty("provider").GetString());
        Assert.Equal("pinned", json.GetProperty("route_method").GetString());
        Assert.Equal(1000, usage.GetProperty("input_tokens").GetInt32());
        Assert.Equal(500, usage.GetProperty("output_tokens").GetInt32());
        // gpt-4o: 800 * 2.50 + 200 * 1.25 + 500 * 10.00 per million = 0.00725.
        Assert.Equal(0.00725m, usage.GetProperty("cost_usd").GetDecimal());
    }

    [Fact]
    public async Task Post_Stream_SendsChunksEndingInDone_WithUsageWhenAsked()
    {
        server.Upstream.Enqueue(FakeReply.Text("alpha beta gamma", new FakeUsage(3, 3)));
        var body = """{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"go"}]}""";

        using var response = await PostAsync(body);
        var events = await ReadEventsAsync(response);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("[DONE]", events[^1]);
        var chunks = events.Take(events.Count - 1).Select(e => JsonDocument.Parse(e).RootElement).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.Single(chunks.Select(c => c.GetProperty("id").GetString()).Distinct());
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        var text = string.Concat(chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0)
            .Select(c => c.GetProperty("choices")[0].GetProperty("delta"))
            .Where(d => d.TryGetProperty("content", out _))
            .Select(d => d.GetProperty("content").GetString()));
        Assert.Equal("alpha beta gamma", text);
        Assert.Equal("stop", chunks[^2].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        var usage = chunks[^1];
        Assert.Equal(0, usage.GetProperty("choices").GetArrayLength());
        Assert.Equal(3, usage.GetProperty("usage").GetProperty("output_tokens").GetInt32());
        Assert.True(usage.GetProperty("usage").GetProperty("cost_usd").GetDecimal() > 0);
    }

    [Fact]
    public async Task Post_StreamWithoutIncludeUsage_HasNoEmptyChoicesChunk()
    {
        using var response = await PostAsync("""{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"go"}]}""");
        var events = await ReadEventsAsync(response);

        Assert.Equal("[DONE]", events[^1]);
        Assert.All(events.Take(events.Count - 1), e => Assert.True(JsonDocument.Parse(e).RootElement.GetProperty("choices").GetArrayLength() > 0));
    }

    [Fact]
    public async Task Post_StreamFailingAfterStart_EndsWithErrorEventAndNoDone()
    {
        server.Upstream.Enqueue(FakeReply.StreamErrorAfter(2, "Overloaded"));

        using var response = await PostAsync("""{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"go"}]}""");
        var events = await ReadEventsAsync(response);

        Assert.DoesNotContain("[DONE]", events);
        var error = JsonDocument.Parse(events[^1]).RootElement.GetProperty("error");
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
        await AssertErrorAsync(response, "upstream_rate_limited");
    }

    public static TheoryData<string, string?, string, int, string> BadRequests => new()
    {
        { SimpleBody, null, "application/json", 401, "missing_api_key" },
        { SimpleBody, "tsg-wrong-key", "application/json", 401, "invalid_api_key" },
        { SimpleBody, ServerUnderTest.ClientKey, "text/plain", 415, "unsupported_media_type" },
        { "{\"model\":\"gpt-4o\",\"messages\":[", ServerUnderTest.ClientKey, "application/json", 400, "invalid_json" },
        { "{\"model\":\"gpt-4o\",\"temperature\":\"hot\",\"messages\":[]}", ServerUnderTest.ClientKey, "application/json", 400, "invalid_json" },
        { "{\"model\":\"gpt-4o\"}", ServerUnderTest.ClientKey, "application/json", 400, "missing_required_parameter" },
        { "{\"model\":\"gpt-4o\",\"messages\":[]}", ServerUnderTest.ClientKey, "application/json", 400, "invalid_parameter" },
        { "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}", ServerUnderTest.ClientKey, "application/json", 400, "invalid_parameter" },
        { "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", ServerUnderTest.ClientKey, "application/json", 400, "missing_required_parameter" },
        { "{\"model\":\"no-such-model\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", ServerUnderTest.ClientKey, "application/json", 404, "model_not_found" },
        { "{\"model\":\"gpt-4o\",\"n\":3,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", ServerUnderTest.ClientKey, "application/json", 400, "unsupported_parameter" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Post_BadInput_GetsStatusAndStableOpenAIShapedError(string body, string? key, string contentType, int status, string code)
    {
        var before = server.Upstream.RequestCount;

        using var response = await PostAsync(body, key, contentType);

        Assert.Equal(status, (int)response.StatusCode);
        await AssertErrorAsync(response, code);
        Assert.Equal(before, server.Upstream.RequestCount);
    }

    [Fact]
    public async Task Post_OversizedBody_Gets413()
    {
        var body = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"" + new string('x', 70_000) + "\"}]}";

        using var response = await PostAsync(body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await AssertErrorAsync(response, "request_too_large");
    }

    [Fact]
    public async Task Post_UpstreamRejectsGatewayKey_ClientSeesNoKeyNoUrlNoStack()
    {
        server.Upstream.Enqueue(FakeReply.Error(401, "Incorrect API key provided: " + ServerUnderTest.UpstreamKey + " at " + server.Upstream.BaseUrl, code: "invalid_api_key"));

        using var response = await PostAsync(SimpleBody);
        var text = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.DoesNotContain("SECRET", text, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Upstream.BaseUrl.Authority, text, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ThreadSync", text, StringComparison.Ordinal);
        await AssertErrorAsync(response, "upstream_auth_failed");
    }

    [Fact]
    public async Task Get_Models_ListsOnlyUsableModels()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.BaseUrl, "/v1/models"));
        request.Headers.Add("x-api-key", ServerUnderTest.ClientKey);
        using var response = await server.Http.SendAsync(request, Ct);

        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal("list", json.GetProperty("object").GetString());
        var models = json.GetProperty("data").EnumerateArray().ToList();
        Assert.Contains(models, m => m.GetProperty("id").GetString() == "gpt-4o");
        Assert.Equal(
            ["anthropic", "gemini", "openai", "perplexity", "xai"],
            models.Select(m => m.GetProperty("owned_by").GetString()).Distinct().Order(StringComparer.Ordinal));
        Assert.DoesNotContain(models, m => m.GetProperty("id").GetString() == "o3-mini"); // retired
    }

    [Fact]
    public async Task Post_ModelOfUnconfiguredProvider_Gets400ProviderNotConfigured()
    {
        await using var openAIOnly = await ServerUnderTest.StartServerAsync(new()
        {
            ["ThreadSync:Providers:OpenAI:ApiKey"] = ServerUnderTest.UpstreamKey,
            ["ThreadSync:Providers:OpenAI:BaseUrl"] = server.Upstream.BaseUrl.ToString(),
            ["ThreadSync:Auth:BootstrapKeys:0"] = ServerUnderTest.ClientKey,
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(openAIOnly.Urls.Single()), "/v1/chat/completions"))
        {
            Content = new StringContent("""{"model":"claude-sonnet","messages":[{"role":"user","content":"x"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ServerUnderTest.ClientKey);

        using var response = await server.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertErrorAsync(response, "provider_not_configured");
        await openAIOnly.StopAsync(Ct);
    }

    [Fact]
    public async Task Get_Models_RequiresAKey()
    {
        using var response = await server.Http.GetAsync(new Uri(server.BaseUrl, "/v1/models"), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await AssertErrorAsync(response, "missing_api_key");
    }

    [Fact]
    public async Task Health_AnswersWithoutAuth_AndEveryResponseHasRequestId()
    {
        using var health = await server.Http.GetAsync(new Uri(server.BaseUrl, "/health"), Ct);
        using var missing = await server.Http.GetAsync(new Uri(server.BaseUrl, "/v1/nothing-here"), Ct);
        using var wrongMethod = await server.Http.GetAsync(new Uri(server.BaseUrl, "/v1/chat/completions"), Ct);

        Assert.Equal("""{"status":"ok"}""", await health.Content.ReadAsStringAsync(Ct));
        Assert.Single(health.Headers.GetValues("x-request-id"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        await AssertErrorAsync(missing, "not_found");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        await AssertErrorAsync(wrongMethod, "method_not_allowed");
    }

    [Fact]
    public async Task Post_ConcurrentRequests_EachGetsItsOwnAnswerAndRequestId()
    {
        var tasks = Enumerable.Range(0, 40).Select(async i =>
        {
            using var response = await PostAsync($$"""{"model":"gpt-4o","messages":[{"role":"user","content":"request {{i}}"}]}""");
            var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
            return (i, Content: json.GetProperty("content").GetString(), Id: Assert.Single(response.Headers.GetValues("x-request-id")));
        });

        var results = await Task.WhenAll(tasks);

        Assert.All(results, r => Assert.Equal($"Echo: request {r.i}", r.Content));
        Assert.Equal(results.Length, results.Select(r => r.Id).Distinct().Count());
    }

    private static async Task AssertErrorAsync(HttpResponseMessage response, string code)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var requestId = Assert.Single(response.Headers.GetValues("x-request-id"));
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("type").GetString()));
        Assert.Equal(requestId, error.GetProperty("request_id").GetString());
    }

    private static async Task<List<string>> ReadEventsAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        return text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e.Trim())
            .Where(e => e.StartsWith("data: ", StringComparison.Ordinal))
            .Select(e => e["data: ".Length..])
            .ToList();
    }

    [Fact]
    public async Task Post_OpenAIOnlyFieldsToAClaudeModel_AreNotForwardedToAnthropic()
    {
        var upstream = server.UpstreamFor(FakeProviderKind.Anthropic);
        upstream.Reset();

        using var response = await TestHttp.PostAsync(server, "/v1/chat/completions", """
            {"model":"claude-sonnet-4-6","service_tier":"flex","metadata":{"team":"blue"},"user":"end-user-7",
             "messages":[{"role":"user","content":"hi"}]}
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = upstream.LastRequest.Json;
        Assert.False(sent.TryGetProperty("service_tier", out _));
        Assert.Equal("""{"user_id":"end-user-7"}""", sent.GetProperty("metadata").GetRawText());
    }
}
