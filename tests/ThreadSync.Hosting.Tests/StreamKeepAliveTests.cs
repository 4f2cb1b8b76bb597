using System.Net;
using Microsoft.AspNetCore.Builder;
using ThreadSync.Testing.FakeUpstreams;

namespace ThreadSync.Hosting.Tests;

/// <summary>Long silences in a stream are filled with frames clients ignore, in each endpoint's own format.</summary>
public sealed class StreamKeepAliveTests : IAsyncLifetime
{
    private FakeProviderServer _upstream = null!;
    private WebApplication _app = null!;
    private ServerUnderTestClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        // The provider pauses 1 s between events; the gateway fills any 50 ms of silence.
        _upstream = await FakeProviderServer.StartAsync(FakeProviderKind.Anthropic, new FakeProviderOptions { ApiKey = ServerUnderTest.UpstreamKey, StreamChunkDelayMilliseconds = 1000 });
        _app = await ServerUnderTest.StartServerAsync(new()
        {
            ["ThreadSync:Auth:BootstrapKeys:0"] = ServerUnderTest.ClientKey,
            ["ThreadSync:Providers:Anthropic:ApiKey"] = ServerUnderTest.UpstreamKey,
            ["ThreadSync:Providers:Anthropic:BaseUrl"] = _upstream.BaseUrl.ToString(),
            ["ThreadSync:Http:StreamKeepAliveInterval"] = "00:00:00.050",
        });
        _client = new ServerUnderTestClient(new Uri(_app.Urls.Single()));
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task AnthropicStream_SilenceIsFilledWithPingEvents()
    {
        _upstream.Enqueue(FakeReply.Text("slow answer"));

        var text = await _client.PostStreamAsync("/v1/messages", """{"model":"claude-sonnet-4-6","max_tokens":64,"stream":true,"messages":[{"role":"user","content":"hi"}]}""");

        Assert.Contains("event: ping\ndata: {\"type\":\"ping\"}\n\n", text, StringComparison.Ordinal);
        Assert.EndsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n", text, StringComparison.Ordinal);
        Assert.True(text.IndexOf("event: message_start", StringComparison.Ordinal) < text.IndexOf("event: ping", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OpenAIStream_SilenceIsFilledWithCommentLines()
    {
        _upstream.Enqueue(FakeReply.Text("slow answer"));

        var text = await _client.PostStreamAsync("/v1/chat/completions", """{"model":"claude-sonnet-4-6","stream":true,"messages":[{"role":"user","content":"hi"}]}""");

        Assert.Contains("\n\n: keep-alive\n\n", text, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]\n\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NormalizedStream_SilenceIsFilledWithCommentLines()
    {
        _upstream.Enqueue(FakeReply.Text("slow answer"));

        var text = await _client.PostStreamAsync("/api/v1/llm/chat", """{"model":"claude-sonnet-4-6","stream":true,"messages":[{"role":"user","content":"hi"}]}""");

        Assert.Contains(": keep-alive\n\n", text, StringComparison.Ordinal);
        Assert.Contains("event: finish\n", text, StringComparison.Ordinal);
    }

    /// <summary>A plain HTTP client for a server started by the test itself.</summary>
    private sealed class ServerUnderTestClient(Uri baseUrl) : IDisposable
    {
        private readonly HttpClient _http = new() { BaseAddress = baseUrl };

        public async Task<string> PostStreamAsync(string path, string body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Add("x-api-key", ServerUnderTest.ClientKey);
            using var response = await _http.SendAsync(request, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        }

        public void Dispose() => _http.Dispose();
    }
}
