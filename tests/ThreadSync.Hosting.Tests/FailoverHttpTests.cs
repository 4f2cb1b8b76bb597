using System.Net;
using System.Text.Json;
using ThreadSync.Testing.FakeUpstreams;

namespace ThreadSync.Hosting.Tests;

/// <summary>
/// Fault scenarios through the real server and fake upstreams, each asserted on what the client receives and on how many
/// calls each upstream saw (each one potentially billed by that provider).
/// </summary>
public sealed class FailoverHttpTests
{
    private const string Chat = "/v1/chat/completions";
    private const string Hello = """{"model":"gpt-4o","messages":[{"role":"user","content":"hello"}]}""";
    private const string HelloStream = """{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"hello"}]}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ProviderFailing_RetriesOnceThenFallsBack_AndSaysSo()
    {
        await using var server = await FailoverServer.StartAsync();
        server.OpenAI.Enqueue(FakeReply.Error(500, "boom"));
        server.OpenAI.Enqueue(FakeReply.Error(500, "boom again"));
        server.Anthropic.Enqueue(FakeReply.Text("served by claude"));

        using var response = await server.PostAsync(Chat, Hello);
        var body = await TestHttp.JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("served by claude", body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("claude-sonnet-4-6", body.GetProperty("model").GetString());
        Assert.Equal("fallback", body.GetProperty("route_method").GetString());
        Assert.Equal("fallback", TestHttp.Header(response, "x-threadsync-route-method"));
        Assert.Contains("gpt-4o", TestHttp.Header(response, "x-threadsync-route-reason"), StringComparison.Ordinal);
        Assert.Equal("anthropic", TestHttp.Header(response, "x-threadsync-provider"));
        Assert.Equal("3", TestHttp.Header(response, "x-threadsync-attempts"));
        Assert.Equal(2, server.OpenAI.RequestCount);
        Assert.Equal(1, server.Anthropic.RequestCount);
        Assert.Equal(0, server.Gemini.RequestCount);
    }

    [Fact]
    public async Task QuotaExhausted_IsNotRetried_ButAnotherProviderServes()
    {
        await using var server = await FailoverServer.StartAsync();
        server.OpenAI.Enqueue(FakeReply.Error(429, "You exceeded your current quota.", "insufficient_quota", "insufficient_quota"));

        using var response = await server.PostAsync(Chat, Hello);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("fallback", TestHttp.Header(response, "x-threadsync-route-method"));
        Assert.Equal(1, server.OpenAI.RequestCount);
        Assert.Equal(1, server.Anthropic.RequestCount);
    }

    [Fact]
    public async Task RequestAtFault_IsNeitherRetriedNorFallenBack()
    {
        await using var server = await FailoverServer.StartAsync();
        server.OpenAI.Enqueue(FakeReply.Error(400, "Invalid value for 'messages'."));

        using var response = await server.PostAsync(Chat, Hello);
        var body = await TestHttp.JsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("upstream_bad_request", body.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(1, server.OpenAI.RequestCount);
        Assert.Equal(0, server.Anthropic.RequestCount);
    }

    [Fact]
    public async Task EveryModelFailing_ReturnsTheLastError_WithinTheAttemptBudget()
    {
        await using var server = await FailoverServer.StartAsync(new() { ["ThreadSync:Resilience:MaxRetriesPerModel"] = "0" });
        server.OpenAI.Enqueue(FakeReply.Error(503, "down"));
        server.Anthropic.Enqueue(FakeReply.Error(529, "Overloaded", "overloaded_error"));
        server.Gemini.Enqueue(FakeReply.Error(503, "The model is overloaded.", "UNAVAILABLE"));
        server.Gemini.Enqueue(FakeReply.Text("must never be fetched: the budget is 3 calls"));

        using var response = await server.PostAsync(Chat, Hello);
        var body = await TestHttp.JsonAsync(response);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("upstream_overloaded", body.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(1, server.OpenAI.RequestCount);
        Assert.Equal(1, server.Anthropic.RequestCount);
        Assert.Equal(1, server.Gemini.RequestCount);
    }

    [Fact]
    public async Task ProviderDown_BreakerOpensAndTrafficMoves_ThenHalfOpensAndRecovers()
    {
        await using var server = await FailoverServer.StartAsync(new()
        {
            ["ThreadSync:Resilience:MaxRetriesPerModel"] = "0",
            ["ThreadSync:Resilience:CircuitBreaker:MinimumThroughput"] = "2",
            ["ThreadSync:Resilience:CircuitBreaker:FailureRatio"] = "0.5",
            ["ThreadSync:Resilience:CircuitBreaker:BreakDuration"] = "00:00:01",
        });
        server.OpenAI.Enqueue(FakeReply.Error(503, "down"));
        server.OpenAI.Enqueue(FakeReply.Error(503, "still down"));

        // Two failures open the breaker; both requests are still served by the fallback.
        for (var i = 0; i < 2; i++)
        {
            using var failedOver = await server.PostAsync(Chat, Hello);
            Assert.Equal(HttpStatusCode.OK, failedOver.StatusCode);
            Assert.Equal("fallback", TestHttp.Header(failedOver, "x-threadsync-route-method"));
        }

        Assert.Equal(2, server.OpenAI.RequestCount);

        // Open: OpenAI is skipped without a call, and the client is told why.
        using (var skipped = await server.PostAsync(Chat, Hello))
        {
            Assert.Equal(HttpStatusCode.OK, skipped.StatusCode);
            Assert.Equal("fallback", TestHttp.Header(skipped, "x-threadsync-route-method"));
            Assert.Contains("unavailable=gpt-4o", TestHttp.Header(skipped, "x-threadsync-route-reason"), StringComparison.Ordinal);
            Assert.Equal("1", TestHttp.Header(skipped, "x-threadsync-attempts"));
        }

        Assert.Equal(2, server.OpenAI.RequestCount);

        // After the break, one probe goes through; OpenAI has recovered, so the breaker closes and pinned routing resumes.
        await Task.Delay(TimeSpan.FromMilliseconds(1_200), Ct);
        for (var i = 0; i < 2; i++)
        {
            using var recovered = await server.PostAsync(Chat, Hello);
            Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
            Assert.Equal("pinned", TestHttp.Header(recovered, "x-threadsync-route-method"));
            Assert.Equal("gpt-4o", TestHttp.Header(recovered, "x-threadsync-model"));
        }

        Assert.Equal(4, server.OpenAI.RequestCount);
    }

    [Fact]
    public async Task Stream_FailureBeforeTheFirstToken_FallsBack()
    {
        await using var server = await FailoverServer.StartAsync(new() { ["ThreadSync:Resilience:MaxRetriesPerModel"] = "0" });
        server.OpenAI.Enqueue(FakeReply.Error(502, "bad gateway"));
        server.Anthropic.Enqueue(FakeReply.Text("streamed by claude"));

        using var response = await server.PostAsync(Chat, HelloStream);
        var events = await DataEventsAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("fallback", TestHttp.Header(response, "x-threadsync-route-method"));
        Assert.Equal("[DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e).RootElement).ToList();
        Assert.All(chunks, c => Assert.Equal("claude-sonnet-4-6", c.GetProperty("model").GetString()));
        Assert.Equal("streamed by claude", string.Concat(chunks.Select(Delta)));
        Assert.Equal(1, server.OpenAI.RequestCount);
        Assert.Equal(1, server.Anthropic.RequestCount);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Stream_FailureAfterTheFirstToken_EndsWithAnErrorEvent_NeverAFinish_AndNeverFallsBack(bool drop)
    {
        await using var server = await FailoverServer.StartAsync();
        server.OpenAI.Enqueue(drop ? FakeReply.StreamDropAfter(3) : FakeReply.StreamErrorAfter(3, "mid-stream failure"));

        using var response = await server.PostAsync(Chat, HelloStream);
        var events = await DataEventsAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("[DONE]", events);
        var last = JsonDocument.Parse(events[^1]).RootElement;
        Assert.Equal("upstream_error", last.GetProperty("error").GetProperty("code").GetString());
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e).RootElement).ToList();
        Assert.Contains("chunk1", string.Concat(chunks.Select(Delta)), StringComparison.Ordinal);
        Assert.DoesNotContain(chunks, c => c.GetProperty("choices").EnumerateArray().Any(ch => ch.TryGetProperty("finish_reason", out var f) && f.ValueKind == JsonValueKind.String));
        Assert.Equal(1, server.OpenAI.RequestCount);
        Assert.Equal(0, server.Anthropic.RequestCount);
    }

    [Fact]
    public async Task Stream_WithoutAFirstTokenInTime_FallsBackToTheNextModel()
    {
        // Every fake pauses after each event. OpenAI's fake sends a role-only chunk and Anthropic's a message_start
        // before pausing, so neither sends a token in time; Gemini's first chunk already holds text.
        await using var server = await FailoverServer.StartAsync(
            new()
            {
                ["ThreadSync:Resilience:MaxRetriesPerModel"] = "0",
                // Wide margins both ways, so a loaded machine cannot turn Gemini's immediate first chunk into a timeout.
                ["ThreadSync:Resilience:FirstTokenTimeout"] = "00:00:02",
            },
            new FakeProviderOptions { StreamChunkDelayMilliseconds = 8_000 });

        using var response = await server.PostAsync(Chat, HelloStream, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("fallback", TestHttp.Header(response, "x-threadsync-route-method"));
        Assert.Equal("gemini-3.5-flash", TestHttp.Header(response, "x-threadsync-model"));
        Assert.Equal("3", TestHttp.Header(response, "x-threadsync-attempts"));
        Assert.Equal(1, server.OpenAI.RequestCount);
        Assert.Equal(1, server.Anthropic.RequestCount);
        Assert.Equal(1, server.Gemini.RequestCount);
    }

    [Fact]
    public async Task GarbageJson_FallsBack()
    {
        await using var server = await FailoverServer.StartAsync();
        server.OpenAI.Enqueue(FakeReply.Raw(200, "application/json", "<html>definitely not json"));

        using var response = await server.PostAsync(Chat, Hello);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("fallback", TestHttp.Header(response, "x-threadsync-route-method"));
        Assert.Equal(1, server.OpenAI.RequestCount);
        Assert.Equal(1, server.Anthropic.RequestCount);
    }


    private static async Task<List<string>> DataEventsAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        return text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Where(block => block.StartsWith("data: ", StringComparison.Ordinal))
            .Select(block => block["data: ".Length..])
            .ToList();
    }

    private static string Delta(JsonElement chunk) =>
        chunk.GetProperty("choices").EnumerateArray()
            .Select(c => c.TryGetProperty("delta", out var d) && d.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String ? content.GetString() : string.Empty)
            .FirstOrDefault() ?? string.Empty;
}
