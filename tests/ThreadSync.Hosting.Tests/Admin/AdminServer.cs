using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ThreadSync.Gateway.Storage;
using ThreadSync.Testing.FakeUpstreams;

namespace ThreadSync.Hosting.Tests.Admin;

/// <summary>
/// The reference server on its own SQLite database in a fresh temporary folder (deleted on dispose), over a fake
/// OpenAI upstream, with a configured admin key unless told otherwise, and helpers to call the admin API.
/// </summary>
public sealed class AdminServer : IAsyncDisposable
{
    public const string AdminKey = "admin-test-key-0123456789abcdef";

    private readonly bool _ownsDataDirectory;

    private AdminServer(WebApplication app, FakeProviderServer openAI, string dataDirectory, bool ownsDataDirectory)
    {
        App = app;
        OpenAI = openAI;
        DataDirectory = dataDirectory;
        _ownsDataDirectory = ownsDataDirectory;
        BaseUrl = new Uri(app.Urls.Single());
        Stores = app.Services.GetRequiredService<GatewayStores>();
    }

    public WebApplication App { get; }

    public Uri BaseUrl { get; }

    public HttpClient Http { get; } = new();

    public FakeProviderServer OpenAI { get; }

    public GatewayStores Stores { get; }

    public string DataDirectory { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Starts a server; <paramref name="dataDirectory"/> reuses a folder (its owner deletes it), else a fresh one is made and deleted on dispose.</summary>
    public static async Task<AdminServer> StartAsync(Dictionary<string, string?>? settings = null, bool configureAdminKey = true, string? dataDirectory = null)
    {
        var ownsDataDirectory = dataDirectory is null;
        dataDirectory ??= NewDataDirectory();
        var openAI = await FakeProviderServer.StartAsync(FakeProviderKind.OpenAI, new FakeProviderOptions { ApiKey = ServerUnderTest.UpstreamKey });
        var all = new Dictionary<string, string?>
        {
            ["ThreadSync:Storage:DataDirectory"] = dataDirectory,
            ["ThreadSync:Resilience:MaxAttempts"] = "1",
            ["ThreadSync:Resilience:CircuitBreaker:Enabled"] = "false",
            ["ThreadSync:Providers:OpenAI:ApiKey"] = ServerUnderTest.UpstreamKey,
            ["ThreadSync:Providers:OpenAI:BaseUrl"] = openAI.BaseUrl.ToString(),
        };
        if (configureAdminKey)
        {
            all["ThreadSync:Admin:ApiKey"] = AdminKey;
        }

        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        try
        {
            return new AdminServer(await ServerUnderTest.StartServerAsync(all), openAI, dataDirectory, ownsDataDirectory);
        }
        catch
        {
            await openAI.DisposeAsync();
            if (ownsDataDirectory)
            {
                DeleteDataDirectory(dataDirectory);
            }

            throw;
        }
    }

    public static string NewDataDirectory() => Directory.CreateTempSubdirectory("threadsync-admin-test-").FullName;

    public static void DeleteDataDirectory(string dataDirectory)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(dataDirectory, recursive: true);
    }

    /// <summary>Calls the admin API (the admin key as <c>Authorization: Bearer</c>, or as <c>x-api-key</c>).</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? body = null, string? key = AdminKey, bool bearer = true)
    {
        using var request = new HttpRequestMessage(method, new Uri(BaseUrl, path));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

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

        return await Http.SendAsync(request, Ct);
    }

    public Task<HttpResponseMessage> GetAsync(string path, string? key = AdminKey) => SendAsync(HttpMethod.Get, path, key: key);

    public Task<HttpResponseMessage> PostAsync(string path, string? body, string? key = AdminKey) => SendAsync(HttpMethod.Post, path, body, key);

    public Task<HttpResponseMessage> PatchAsync(string path, string body) => SendAsync(HttpMethod.Patch, path, body);

    public Task<HttpResponseMessage> PutAsync(string path, string body) => SendAsync(HttpMethod.Put, path, body);

    /// <summary>Calls the admin API and checks the status; returns the JSON body.</summary>
    public async Task<JsonElement> JsonAsync(HttpMethod method, string path, string? body = null, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await SendAsync(method, path, body);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(expected == response.StatusCode, $"{method} {path}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Creates an org with the id given; returns its JSON.</summary>
    public Task<JsonElement> CreateOrgAsync(string id, string extra = "") =>
        JsonAsync(HttpMethod.Post, "/admin/v1/orgs", $$"""{"id":"{{id}}","name":"Org {{id}}"{{extra}}}""", HttpStatusCode.Created);

    /// <summary>Creates a key; returns its JSON (with <c>secret</c>).</summary>
    public Task<JsonElement> CreateKeyAsync(string orgId, string extra = "") =>
        JsonAsync(HttpMethod.Post, "/admin/v1/keys", $$"""{"org_id":"{{orgId}}","name":"key of {{orgId}}"{{extra}}}""", HttpStatusCode.Created);

    /// <summary>Sends a non-streaming chat completion with an inference key.</summary>
    public async Task<HttpResponseMessage> ChatAsync(string secret, string model = "gpt-4o")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(BaseUrl, "/v1/chat/completions"))
        {
            Content = new StringContent($$"""{"model":"{{model}}","max_tokens":20,"messages":[{"role":"user","content":"Say hi."}]}""", Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return await Http.SendAsync(request, Ct);
    }

    /// <summary>Reads an OpenAI-shaped error: status, then <c>error.code</c> and <c>error.param</c>.</summary>
    public static async Task<(HttpStatusCode Status, string? Code, string? Param, string Message)> ErrorAsync(HttpResponseMessage response)
    {
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        var error = json.GetProperty("error");
        Assert.Equal(error.GetProperty("request_id").GetString(), TestHttp.Header(response, "x-request-id"));
        return (response.StatusCode, error.GetProperty("code").GetString(), error.GetProperty("param").GetString(), error.GetProperty("message").GetString()!);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        await OpenAI.DisposeAsync();
        if (_ownsDataDirectory)
        {
            DeleteDataDirectory(DataDirectory);
        }
    }
}
