using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ThreadSync.Gateway.Audit;
using ThreadSync.Testing.FakeUpstreams;

namespace ThreadSync.Hosting.Tests.Audit;

/// <summary>
/// Nothing a client received is lost: the reference server runs as its own process under concurrent load, is killed
/// with SIGKILL mid-load, and restarted on the same SQLite database. The audit chain must verify without gaps, and
/// every response a client received complete must have its audit record and its usage record.
/// </summary>
public sealed class SigkillTests
{
    private const string ClientKey = "tsg-sigkill-client-key-0123456789";
    private const string AdminKey = "sigkill-admin-key-0123456789abcdef";

    /// <summary>Concurrent clients, each sending one request after another.</summary>
    private const int Clients = 16;

    /// <summary>Complete responses to wait for before the kill, so the kill lands mid-load.</summary>
    private const int CompletedBeforeKill = 150;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ServerKilledUnderLoad_RestartsWithAValidChain_AndEveryCompleteResponseIsRecorded()
    {
        await using var upstream = await FakeProviderServer.StartAsync(FakeProviderKind.OpenAI, new FakeProviderOptions { ApiKey = ServerUnderTest.UpstreamKey, RecordRequests = false }, Ct);
        var dataDirectory = Directory.CreateTempSubdirectory("threadsync-sigkill-").FullName;
        try
        {
            var settings = new Dictionary<string, string>
            {
                ["ThreadSync:Storage:DataDirectory"] = dataDirectory,
                ["ThreadSync:Auth:BootstrapKeys:0"] = ClientKey,
                ["ThreadSync:Admin:ApiKey"] = AdminKey,
                ["ThreadSync:Providers:OpenAI:ApiKey"] = ServerUnderTest.UpstreamKey,
                ["ThreadSync:Providers:OpenAI:BaseUrl"] = upstream.BaseUrl.ToString(),
                ["ThreadSync:Resilience:MaxAttempts"] = "1",
                ["ThreadSync:Resilience:CircuitBreaker:Enabled"] = "false",
            };

            var completed = new ConcurrentBag<string>();
            int failedAfterKill;
            await using (var server = await ServerProcess.StartAsync(settings, Ct))
            {
                using var http = new HttpClient();
                var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var failures = 0;
                var clients = Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
                {
                    // Each client sends until the server is gone; only answers received whole count as received.
                    for (var i = 0; ; i++)
                    {
                        var stream = (client + i) % 2 == 0;
                        try
                        {
                            if (await SendAsync(http, server.BaseUrl, stream, $"client {client}, request {i}") is { } correlationId)
                            {
                                completed.Add(correlationId);
                                if (completed.Count >= CompletedBeforeKill)
                                {
                                    enough.TrySetResult();
                                }
                            }
                        }
                        catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
                        {
                            Interlocked.Increment(ref failures);
                            return;
                        }
                    }
                })).ToArray();

                await enough.Task.WaitAsync(Ct);
                await server.KillAsync();
                await Task.WhenAll(clients);
                failedAfterKill = failures;
            }

            Assert.Equal(Clients, failedAfterKill);
            Assert.True(completed.Count >= CompletedBeforeKill);

            await using var restarted = await ServerProcess.StartAsync(settings, Ct);
            using var admin = new HttpClient();
            admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);

            var verification = JsonDocument.Parse(await admin.GetStringAsync(new Uri(restarted.BaseUrl, "/admin/v1/audit/verify"), Ct)).RootElement;
            Assert.True(verification.GetProperty("valid").GetBoolean(), verification.ToString());

            var chain = (await admin.GetStringAsync(new Uri(restarted.BaseUrl, "/admin/v1/audit/export"), Ct))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => AuditJsonLines.Parse(Encoding.UTF8.GetBytes(line)))
                .ToList();
            Assert.Equal(Enumerable.Range(0, chain.Count).Select(i => (long)i), chain.Select(r => r.Sequence));
            var audited = chain.Where(r => r.Kind == AuditKinds.Inference && r.StatusCode == 200 && r.Verdict == "ok").Select(r => r.CorrelationId!).ToHashSet();

            var usage = (await admin.GetStringAsync(new Uri(restarted.BaseUrl, "/admin/v1/usage/export"), Ct))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => JsonDocument.Parse(line).RootElement)
                .Where(r => r.GetProperty("verdict").GetString() == "ok")
                .Select(r => r.GetProperty("correlation_id").GetString()!)
                .ToHashSet();

            Assert.All(completed, id => Assert.Contains(id, audited));
            Assert.All(completed, id => Assert.Contains(id, usage));
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    /// <summary>Sends one chat request; returns its correlation id if the whole answer arrived (a 200 and a complete body).</summary>
    private static async Task<string?> SendAsync(HttpClient http, Uri baseUrl, bool stream, string text)
    {
        var body = $$"""{"model": "gpt-4o", "max_tokens": 20, "stream": {{(stream ? "true" : "false")}}, "messages": [{"role": "user", "content": "{{text}}"}]}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, "/v1/chat/completions")) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ClientKey);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        var received = await response.Content.ReadAsStringAsync(Ct);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"Unexpected {(int)response.StatusCode}: {received}");
        }

        // A body read to its end is complete; check its shape too, so a cut answer can never count as received.
        var whole = stream
            ? received.TrimEnd().EndsWith("data: [DONE]", StringComparison.Ordinal)
            : JsonDocument.Parse(received).RootElement.GetProperty("choices").GetArrayLength() == 1;
        return whole ? TestHttp.Header(response, "x-request-id") : null;
    }
}
