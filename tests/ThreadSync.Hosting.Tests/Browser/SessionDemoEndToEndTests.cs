using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ThreadSync.Gateway.Storage;
using ThreadSync.Testing.FakeUpstreams;

namespace ThreadSync.Hosting.Tests.Browser;

/// <summary>
/// The session demo end to end: the reference server (with the sample backend's <c>POST /sample/share-code</c>)
/// over a fake OpenAI, and <c>session-demo.html</c> in headless Chromium: share code, exchange, a signed chat whose
/// answer the page shows, logout, and nothing persisted in the browser.
/// </summary>
public sealed class SessionDemoEndToEndTests : IAsyncLifetime
{
    private const string AppClientId = "app_sessiondemo";
    private const string SubjectId = "demo-user-7";

    private FakeProviderServer _openAI = null!;
    private WebApplication _server = null!;
    private HeadlessChromium _browser = null!;
    private Uri _baseUrl = null!;

    public async ValueTask InitializeAsync()
    {
        _openAI = await FakeProviderServer.StartAsync(FakeProviderKind.OpenAI, new FakeProviderOptions { ApiKey = ServerUnderTest.UpstreamKey });
        _server = await ServerUnderTest.StartServerAsync(new Dictionary<string, string?>
        {
            ["ThreadSync:Auth:BootstrapKeys:0"] = ServerUnderTest.ClientKey,
            ["ThreadSync:Resilience:MaxAttempts"] = "1",
            ["ThreadSync:Resilience:CircuitBreaker:Enabled"] = "false",
            ["ThreadSync:Providers:OpenAI:ApiKey"] = ServerUnderTest.UpstreamKey,
            ["ThreadSync:Providers:OpenAI:BaseUrl"] = _openAI.BaseUrl.ToString(),
            ["ThreadSync:Sample:SessionDemo:AppClientId"] = AppClientId,
            ["ThreadSync:Sample:SessionDemo:ApiKey"] = ServerUnderTest.ClientKey,
            ["ThreadSync:Sample:SessionDemo:SubjectId"] = SubjectId,
        });
        _baseUrl = new Uri(_server.Urls.Single());

        // The app client is created once the port (and so the page's origin) is known; the demo only names its id.
        await CreateAppClientAsync(_baseUrl.GetLeftPart(UriPartial.Authority).ToLowerInvariant());
        _browser = await HeadlessChromium.LaunchAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.StopAsync();
            await _server.DisposeAsync();
        }

        if (_openAI is not null)
        {
            await _openAI.DisposeAsync();
        }
    }

    [Fact]
    public async Task TheDemoPage_GetsASession_SendsASignedChat_ShowsTheAnswer_AndLogsOut()
    {
        await using var page = await _browser.NewPageAsync();
        await page.GotoAsync(new Uri(_baseUrl, "/session-demo.html?model=gpt-4o"));
        await page.WaitForAsync("['ready', 'failed'].includes(document.getElementById('status').dataset.state)");
        var started = await page.EvaluateAsync("document.getElementById('status').dataset.state + ': ' + document.getElementById('error').textContent");
        Assert.True(started!.ToString().StartsWith("ready", StringComparison.Ordinal), $"The page did not start: {started}\n{page.Console}");

        await page.EvaluateAsync("document.getElementById('prompt').value = 'Hello from the browser ✓'; document.getElementById('send').click()");
        await page.WaitForAsync("['answered', 'failed'].includes(document.getElementById('status').dataset.state)");

        var shown = (JsonObject)(await page.EvaluateAsync("""
            (async () => ({
              state: document.getElementById('status').dataset.state,
              answer: document.getElementById('answer').textContent,
              error: document.getElementById('error').textContent,
              localStorage: localStorage.length,
              sessionStorage: sessionStorage.length,
              cookie: document.cookie,
              indexedDb: (await indexedDB.databases()).length,
            }))()
            """))!;
        Assert.True((string)shown["state"]! == "answered", $"The page failed: {shown["error"]}\n{page.Console}");
        Assert.Equal("Echo: Hello from the browser ✓", (string)shown["answer"]!);
        Assert.Equal(0, (int)shown["localStorage"]!);
        Assert.Equal(0, (int)shown["sessionStorage"]!);
        Assert.Equal(string.Empty, (string)shown["cookie"]!);
        Assert.Equal(0, (int)shown["indexedDb"]!);

        // The upstream got the prompt with the gateway's key; the browser never held an API key.
        Assert.Contains("Hello from the browser", _openAI.LastRequest.Body, StringComparison.Ordinal);

        await page.EvaluateAsync("document.getElementById('end').click()");
        await page.WaitForAsync("['ended', 'failed'].includes(document.getElementById('status').dataset.state)");
        Assert.Equal("ended", (string)(await page.EvaluateAsync("document.getElementById('status').dataset.state"))!);
    }

    [Fact]
    public async Task TheSampleBackend_NeverHandsTheApiKeyToTheBrowser()
    {
        using var http = new HttpClient { BaseAddress = _baseUrl };
        var ct = TestContext.Current.CancellationToken;
        foreach (var asset in (string[])["/session-demo.html", "/session-demo.js", "/threadsync-session.js"])
        {
            var text = await http.GetStringAsync(asset, ct);
            Assert.DoesNotContain(ServerUnderTest.ClientKey, text, StringComparison.Ordinal);
        }

        using var shareCode = await http.PostAsync(
            "/sample/share-code",
            new StringContent("""{"code_challenge":"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"}""", System.Text.Encoding.UTF8, "application/json"),
            ct);
        var body = await shareCode.Content.ReadAsStringAsync(ct);
        Assert.Equal(System.Net.HttpStatusCode.Created, shareCode.StatusCode);
        Assert.StartsWith("tsc_", (string)JsonNode.Parse(body)!["share_code"]!, StringComparison.Ordinal);
        Assert.DoesNotContain(ServerUnderTest.ClientKey, body, StringComparison.Ordinal);

        using var bad = await http.PostAsync("/sample/share-code", new StringContent("""{"code_challenge":"short"}""", System.Text.Encoding.UTF8, "application/json"), ct);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task AnOriginTheAppClientDoesNotList_CannotExchange()
    {
        // The same page served from another origin (the module tests' site) aims at this gateway: no CORS grant.
        await using var site = await BrowserTestSite.StartAsync();
        await using var page = await _browser.NewPageAsync();
        await page.GotoAsync(new Uri(site.BaseUrl, "/blank.html"));

        using var http = new HttpClient { BaseAddress = _baseUrl };
        using var shareCode = await http.PostAsync(
            "/sample/share-code",
            new StringContent("""{"code_challenge":"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"}""", System.Text.Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.Created, shareCode.StatusCode);
        var code = (string)JsonNode.Parse(await shareCode.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["share_code"]!;

        var outcome = await page.CallAsync(
            """
            async (a) => {
              const m = await import('/threadsync-session.js');
              try { await m.ThreadSyncSession.exchange({ baseUrl: a.gateway, shareCode: a.code, codeVerifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk' }); return 'exchanged'; }
              catch (e) { return e.name; }
            }
            """,
            new JsonObject { ["gateway"] = _baseUrl.GetLeftPart(UriPartial.Authority), ["code"] = code });

        // The preflight gets no CORS grant for an unregistered origin, so fetch itself rejects (a TypeError): no session.
        Assert.Equal("TypeError", (string)outcome!);
    }

    /// <summary>Registers the demo's app client (org <c>default</c>, the bootstrap key's) for the page's origin.</summary>
    private async Task CreateAppClientAsync(string origin)
    {
        var stores = _server.Services.GetRequiredService<GatewayStores>();
        Assert.True(await stores.Sessions.CreateAppClientAsync(
            new AppClient
            {
                Id = AppClientId,
                OrgId = "default",
                Name = "Session demo",
                AllowedOrigins = [origin],
                CreatedAt = DateTimeOffset.UtcNow,
            },
            TestContext.Current.CancellationToken));
    }
}
