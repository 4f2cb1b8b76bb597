using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using ThreadSync.Testing.FakeUpstreams;

namespace ThreadSync.Hosting.Tests;

/// <summary>
/// Upstream failures that carry secrets and internal URLs reach the client as stable gateway errors (502, 504) with a
/// generic message and the request id, and reach the server log only redacted — for plain responses and streams.
/// </summary>
public sealed class SanitizedErrorTests : IAsyncLifetime
{
    private const string LeakyMessage = "internal failure calling https://internal-proxy.corp.example/v1/chat?key=AIzaSyFAKEFAKEFAKEFAKEFAKE123 "
        + "with Authorization: Bearer tsg-leakedClientKey1234567890 and api key " + ServerUnderTest.UpstreamKey
        + " (x-api-key: hunter2-secret-header); retry at internal-proxy.corp.example?token=tok_secret_42";

    private static readonly string[] Secrets =
    [
        "SECRET", "internal-proxy.corp.example", "AIzaSyFAKE", "tsg-leakedClientKey", "hunter2-secret-header", "tok_secret_42",
    ];

    private readonly CapturedLogs _logs = new();
    private FakeProviderServer _upstream = null!;
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async ValueTask InitializeAsync()
    {
        _upstream = await FakeProviderServer.StartAsync(FakeProviderKind.OpenAI, new FakeProviderOptions { ApiKey = ServerUnderTest.UpstreamKey });
        _app = await ServerUnderTest.StartServerAsync(
            new()
            {
                ["ThreadSync:Auth:BootstrapKeys:0"] = ServerUnderTest.ClientKey,
                ["ThreadSync:Providers:OpenAI:ApiKey"] = ServerUnderTest.UpstreamKey,
                ["ThreadSync:Providers:OpenAI:BaseUrl"] = _upstream.BaseUrl.ToString(),
                ["ThreadSync:Providers:OpenAI:Timeout"] = "00:00:01",
                ["ThreadSync:Resilience:MaxAttempts"] = "1",
                ["ThreadSync:Resilience:CircuitBreaker:Enabled"] = "false",
            },
            _logs);
        _http = new HttpClient { BaseAddress = new Uri(_app.Urls.Single()) };
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(401)]
    public async Task UpstreamFault_WithSecretsInItsMessage_Is502WithAGenericMessage_AndRedactedLogs(int upstreamStatus)
    {
        _upstream.Enqueue(FakeReply.Error(upstreamStatus, LeakyMessage, code: "internal"));

        using var response = await PostAsync(stream: false);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var requestId = response.Headers.GetValues("x-request-id").Single();
        Assert.Contains(requestId, body, StringComparison.Ordinal);
        AssertClean(body);
        AssertClean(_logs.All);
        Assert.Contains(_logs.Entries, e => e.Contains(requestId, StringComparison.Ordinal) && e.Contains($"upstream_status={upstreamStatus}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UpstreamTimeout_Is504WithAGenericMessage()
    {
        _upstream.Enqueue(FakeReply.Text("late").WithDelay(TimeSpan.FromSeconds(10)));

        using var response = await PostAsync(stream: false);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Contains("upstream_timeout", body, StringComparison.Ordinal);
        AssertClean(body);
        AssertClean(_logs.All);
    }

    [Fact]
    public async Task StreamErrorMidway_WithSecretsInItsMessage_EndsWithAGenericErrorEvent_AndRedactedLogs()
    {
        _upstream.Enqueue(FakeReply.StreamErrorAfter(2, LeakyMessage));

        using var response = await PostAsync(stream: true);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("upstream_error", body, StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", body, StringComparison.Ordinal);
        AssertClean(body);
        AssertClean(_logs.All);
        Assert.Contains(_logs.Entries, e => e.Contains("upstream_message=", StringComparison.Ordinal));
    }

    private static void AssertClean(string text)
    {
        foreach (var secret in Secrets)
        {
            Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase);
        }

        Assert.DoesNotContain("   at ThreadSync", text, StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> PostAsync(bool stream)
    {
        var body = $$"""{"model":"gpt-4o","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"hi"}]}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ServerUnderTest.ClientKey);
        return await _http.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
