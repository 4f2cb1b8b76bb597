using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ThreadSync.Gateway.Governance;
using ThreadSync.Gateway.Storage;
using ThreadSync.Testing.FakeUpstreams;

namespace ThreadSync.Hosting.Tests.Governance;

/// <summary>
/// A reference server of its own, on its own SQLite database, over a fake OpenAI and a fake Anthropic, with keys,
/// teams and orgs created straight in its store (the admin API has its own tests).
/// </summary>
public sealed class GovernedServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GovernedServer(WebApplication app, FakeProviderServer openAI, FakeProviderServer anthropic)
    {
        _app = app;
        OpenAI = openAI;
        Anthropic = anthropic;
        BaseUrl = new Uri(app.Urls.Single());
        Stores = app.Services.GetRequiredService<GatewayStores>();
    }

    public Uri BaseUrl { get; }

    public HttpClient Http { get; } = new();

    public FakeProviderServer OpenAI { get; }

    public FakeProviderServer Anthropic { get; }

    public GatewayStores Stores { get; }

    /// <summary>Gets the server's services (for background services tests drive by hand).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Starts the server; <paramref name="streamChunkDelayMilliseconds"/> slows the fakes' streams (a pause after each event).</summary>
    public static async Task<GovernedServer> StartAsync(Dictionary<string, string?>? settings = null, int streamChunkDelayMilliseconds = 0)
    {
        var openAI = await FakeProviderServer.StartAsync(FakeProviderKind.OpenAI, new FakeProviderOptions { ApiKey = ServerUnderTest.UpstreamKey, StreamChunkDelayMilliseconds = streamChunkDelayMilliseconds });
        var anthropic = await FakeProviderServer.StartAsync(FakeProviderKind.Anthropic, new FakeProviderOptions { ApiKey = ServerUnderTest.UpstreamKey, StreamChunkDelayMilliseconds = streamChunkDelayMilliseconds });
        var all = new Dictionary<string, string?>
        {
            ["ThreadSync:Resilience:MaxAttempts"] = "1",
            ["ThreadSync:Resilience:CircuitBreaker:Enabled"] = "false",
            ["ThreadSync:Providers:OpenAI:ApiKey"] = ServerUnderTest.UpstreamKey,
            ["ThreadSync:Providers:OpenAI:BaseUrl"] = openAI.BaseUrl.ToString(),
            ["ThreadSync:Providers:Anthropic:ApiKey"] = ServerUnderTest.UpstreamKey,
            ["ThreadSync:Providers:Anthropic:BaseUrl"] = anthropic.BaseUrl.ToString(),
        };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        return new GovernedServer(await ServerUnderTest.StartServerAsync(all), openAI, anthropic);
    }

    /// <summary>Starts a server on a shared PostgreSQL test database (several share one to act as instances of one deployment).</summary>
    internal static Task<GovernedServer> StartOnPostgresAsync(ThreadSync.Gateway.Tests.Storage.PostgresTestDatabase database) => StartAsync(new()
    {
        ["ThreadSync:Storage:Provider"] = nameof(ThreadSync.Gateway.StorageProvider.Postgres),
        ["ThreadSync:Storage:ConnectionString"] = database.ConnectionString,
    });

    /// <summary>Sends <paramref name="count"/> requests that all wait on one gate, so they reach the server(s) together.</summary>
    public static async Task<HttpResponseMessage[]> RaceAsync(int count, Func<int, Task<HttpResponseMessage>> send)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            await gate.Task;
            return await send(i);
        })).ToArray();
        gate.SetResult();
        return await Task.WhenAll(tasks);
    }

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>Creates an org (if new), a team (if named and new) and a key in them; returns the key's secret.</summary>
    public async Task<string> CreateKeyAsync(
        string orgId,
        QuotaLimits? keyLimits = null,
        AccessRules? access = null,
        string? teamId = null,
        QuotaLimits? teamLimits = null,
        QuotaLimits? orgLimits = null,
        OrgPolicy? orgPolicy = null,
        string tier = "unlimited")
    {
        var ct = TestContext.Current.CancellationToken;
        var now = DateTimeOffset.UtcNow;
        await Stores.Governance.CreateOrgAsync(new Org { Id = orgId, Name = orgId, Limits = orgLimits ?? QuotaLimits.None, Policy = orgPolicy ?? OrgPolicy.None, CreatedAt = now }, ct);
        if (teamId is not null)
        {
            await Stores.Governance.CreateTeamAsync(new Team { Id = teamId, OrgId = orgId, Name = teamId, Limits = teamLimits ?? QuotaLimits.None, CreatedAt = now }, ct);
        }

        var secret = "tsg-test-" + Guid.NewGuid().ToString("N");
        var key = new GatewayKey
        {
            Id = "key_" + Guid.NewGuid().ToString("N")[..12],
            OrgId = orgId,
            TeamId = teamId,
            Name = "test key",
            Hint = secret[^4..],
            Tier = tier,
            Limits = keyLimits ?? QuotaLimits.None,
            Access = access ?? AccessRules.AllowAll,
            CreatedAt = now,
        };
        Assert.True(await Stores.Governance.CreateKeyAsync(key, Hash(secret), ct));
        return secret;
    }

    public async Task<string> KeyIdOfAsync(string secret) =>
        (await Stores.Governance.FindCredentialAsync(Hash(secret), DateTimeOffset.UtcNow, TestContext.Current.CancellationToken))!.Key.Id;

    public async Task<HttpResponseMessage> ChatAsync(string secret, string model = "gpt-4o", int? maxTokens = 20, bool stream = false, string path = "/v1/chat/completions", string? conversationId = null, string userText = "Say hi.")
    {
        var max = maxTokens is { } m ? $", \"max_tokens\": {m}" : string.Empty;
        var conversation = conversationId is null ? string.Empty : $", \"conversation_id\": \"{conversationId}\"";
        var body = path == "/v1/messages"
            ? $$"""{"model": "{{model}}", "max_tokens": {{maxTokens ?? 20}}, "stream": {{(stream ? "true" : "false")}}, "messages": [{"role": "user", "content": "{{userText}}"}]}"""
            : $$"""{"model": "{{model}}"{{max}}{{conversation}}, "stream": {{(stream ? "true" : "false")}}, "messages": [{"role": "user", "content": "{{userText}}"}]}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(BaseUrl, path)) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return await Http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public async Task<List<UsageRecord>> LedgerAsync(string keyId)
    {
        var records = new List<UsageRecord>();
        await foreach (var record in Stores.Usage.ReadAsync(new UsageFilter { KeyId = keyId }, TestContext.Current.CancellationToken))
        {
            records.Add(record);
        }

        return records;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await OpenAI.DisposeAsync();
        await Anthropic.DisposeAsync();
    }
}
