using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using ThreadSync.Testing.FakeUpstreams;

namespace ThreadSync.Hosting.Tests;

/// <summary>
/// A reference server of its own (failover state such as circuit breakers must not leak between tests) over fake
/// OpenAI, Anthropic, Gemini and xAI upstreams, with fallback chains and fast retries configured.
/// </summary>
public sealed class FailoverServer : IAsyncDisposable
{
    private readonly Dictionary<FakeProviderKind, FakeProviderServer> _upstreams;
    private readonly WebApplication _app;

    private FailoverServer(Dictionary<FakeProviderKind, FakeProviderServer> upstreams, WebApplication app)
    {
        _upstreams = upstreams;
        _app = app;
        BaseUrl = new Uri(app.Urls.Single());
    }

    public Uri BaseUrl { get; }

    public HttpClient Http { get; } = new();

    public FakeProviderServer OpenAI => _upstreams[FakeProviderKind.OpenAI];

    public FakeProviderServer Anthropic => _upstreams[FakeProviderKind.Anthropic];

    public FakeProviderServer Gemini => _upstreams[FakeProviderKind.Gemini];

    public FakeProviderServer XAI => _upstreams[FakeProviderKind.XAI];

    /// <summary>Starts the server; <paramref name="settings"/> are applied over the defaults (fallbacks gpt-4o → claude-sonnet-4-6 → gemini-3.5-flash).</summary>
    public static async Task<FailoverServer> StartAsync(Dictionary<string, string?>? settings = null, FakeProviderOptions? fakeOptions = null)
    {
        var upstreams = new Dictionary<FakeProviderKind, FakeProviderServer>();
        var all = new Dictionary<string, string?>
        {
            ["ThreadSync:Auth:BootstrapKeys:0"] = ServerUnderTest.ClientKey,
            ["ThreadSync:Routing:Fallbacks:gpt-4o:0"] = "claude-sonnet-4-6",
            ["ThreadSync:Routing:Fallbacks:gpt-4o:1"] = "gemini-3.5-flash",
            ["ThreadSync:Resilience:RetryBaseDelay"] = "00:00:00.010",
            ["ThreadSync:Resilience:MaxAttempts"] = "3",
            ["ThreadSync:Resilience:MaxRetriesPerModel"] = "1",
        };
        foreach (var kind in new[] { FakeProviderKind.OpenAI, FakeProviderKind.Anthropic, FakeProviderKind.Gemini, FakeProviderKind.XAI })
        {
            var options = new FakeProviderOptions
            {
                ApiKey = ServerUnderTest.UpstreamKey,
                StreamChunkDelayMilliseconds = fakeOptions?.StreamChunkDelayMilliseconds ?? 0,
            };
            var upstream = await FakeProviderServer.StartAsync(kind, options);
            upstreams[kind] = upstream;
            all[$"ThreadSync:Providers:{kind}:ApiKey"] = ServerUnderTest.UpstreamKey;
            all[$"ThreadSync:Providers:{kind}:BaseUrl"] = upstream.BaseUrl.ToString();
        }

        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        return new FailoverServer(upstreams, await ServerUnderTest.StartServerAsync(all));
    }

    public async Task<HttpResponseMessage> PostAsync(string path, string body, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(BaseUrl, path)) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ServerUnderTest.ClientKey);
        return await Http.SendAsync(request, completion, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        foreach (var upstream in _upstreams.Values)
        {
            await upstream.DisposeAsync();
        }
    }
}
