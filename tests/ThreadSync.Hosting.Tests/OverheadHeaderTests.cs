using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using ThreadSync.Testing.FakeUpstreams;

namespace ThreadSync.Hosting.Tests;

/// <summary>
/// <c>x-threadsync-overhead-ms</c>: on every response, the gateway's own time with the waits on the provider taken out.
/// </summary>
public sealed class OverheadHeaderTests : IAsyncLifetime
{
    private const string Header = "x-threadsync-overhead-ms";

    // Long enough that no gateway work on a loaded machine comes close; the assertions leave it a 300 ms margin.
    private static readonly TimeSpan UpstreamWait = TimeSpan.FromMilliseconds(600);

    private FakeProviderServer _upstream = null!;
    private FakeProviderServer _slowStreams = null!;
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async ValueTask InitializeAsync()
    {
        _upstream = await FakeProviderServer.StartAsync(FakeProviderKind.OpenAI, new FakeProviderOptions { ApiKey = ServerUnderTest.UpstreamKey });

        // Anthropic's fake pauses between stream events: those silences are upstream time too.
        _slowStreams = await FakeProviderServer.StartAsync(FakeProviderKind.Anthropic, new FakeProviderOptions { ApiKey = ServerUnderTest.UpstreamKey, StreamChunkDelayMilliseconds = 200 });
        _app = await ServerUnderTest.StartServerAsync(new()
        {
            ["ThreadSync:Auth:BootstrapKeys:0"] = ServerUnderTest.ClientKey,
            ["ThreadSync:Providers:OpenAI:ApiKey"] = ServerUnderTest.UpstreamKey,
            ["ThreadSync:Providers:OpenAI:BaseUrl"] = _upstream.BaseUrl.ToString(),
            ["ThreadSync:Providers:Anthropic:ApiKey"] = ServerUnderTest.UpstreamKey,
            ["ThreadSync:Providers:Anthropic:BaseUrl"] = _slowStreams.BaseUrl.ToString(),
        });
        _http = new HttpClient { BaseAddress = new Uri(_app.Urls.Single()) };
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _upstream.DisposeAsync();
        await _slowStreams.DisposeAsync();
    }

    [Fact]
    public async Task SlowUpstream_IsNotCountedAsOverhead()
    {
        _upstream.Enqueue(FakeReply.Text("late answer").WithDelay(UpstreamWait));

        var started = Stopwatch.GetTimestamp();
        using var response = await PostAsync("/v1/chat/completions", """{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""");
        var total = Stopwatch.GetElapsedTime(started);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(total >= UpstreamWait);
        var overhead = OverheadOf(response);
        Assert.True(overhead <= total - UpstreamWait + TimeSpan.FromMilliseconds(300), $"overhead {overhead.TotalMilliseconds} ms of {total.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Stream_CarriesTheOverheadBeforeItsFirstEvent()
    {
        _upstream.Enqueue(FakeReply.Text("streamed").WithDelay(UpstreamWait));

        var started = Stopwatch.GetTimestamp();
        using var response = await PostAsync("/v1/chat/completions", """{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"hi"}]}""");
        var toHeaders = Stopwatch.GetElapsedTime(started);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.EndsWith("data: [DONE]\n\n", body, StringComparison.Ordinal);
        Assert.True(OverheadOf(response) <= toHeaders - UpstreamWait + TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task SilencesInsideAStream_AreUpstreamTime()
    {
        // Headers go out after the first event, so the fake's pause before it is already inside the header's span.
        _slowStreams.Enqueue(FakeReply.Text("one two three four"));

        var started = Stopwatch.GetTimestamp();
        using var response = await PostAsync("/v1/messages", """{"model":"claude-sonnet-4-6","max_tokens":64,"stream":true,"messages":[{"role":"user","content":"hi"}]}""");
        var toHeaders = Stopwatch.GetElapsedTime(started);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var overhead = OverheadOf(response);
        Assert.True(toHeaders >= TimeSpan.FromMilliseconds(200), $"headers after {toHeaders.TotalMilliseconds} ms");
        Assert.True(overhead < toHeaders - TimeSpan.FromMilliseconds(150), $"overhead {overhead.TotalMilliseconds} ms of {toHeaders.TotalMilliseconds} ms");
    }

    [Theory]
    [InlineData("POST", "/v1/chat/completions", "not json", HttpStatusCode.BadRequest)]
    [InlineData("GET", "/health", null, HttpStatusCode.OK)]
    [InlineData("GET", "/no/such/endpoint", null, HttpStatusCode.NotFound)]
    public async Task EveryResponse_CarriesTheHeader(string method, string path, string? body, HttpStatusCode status)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Add("x-api-key", ServerUnderTest.ClientKey);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(status, response.StatusCode);
        Assert.True(OverheadOf(response) >= TimeSpan.Zero);
    }

    [Fact]
    public async Task RefusedKey_CarriesTheHeader()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        request.Headers.Add("x-api-key", "tsg-not-a-key");

        using var response = await _http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.True(OverheadOf(response) >= TimeSpan.Zero);
    }

    private static TimeSpan OverheadOf(HttpResponseMessage response)
    {
        Assert.True(response.Headers.TryGetValues(Header, out var values), $"no {Header} header");
        var value = Assert.Single(values);
        Assert.Matches(@"^\d+\.\d{3}$", value);
        return TimeSpan.FromMilliseconds(double.Parse(value, CultureInfo.InvariantCulture));
    }

    private async Task<HttpResponseMessage> PostAsync(string path, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("x-api-key", ServerUnderTest.ClientKey);
        return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
    }
}
