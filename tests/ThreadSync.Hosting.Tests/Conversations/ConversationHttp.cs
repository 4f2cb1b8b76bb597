using System.Net;
using System.Text.Json;
using ThreadSync.Hosting.Tests.Admin;

namespace ThreadSync.Hosting.Tests.Conversations;

/// <summary>An org made through the admin API, with keys (each its own subject), and calls to <c>/v1/conversations</c> with them.</summary>
public sealed class ConversationHttp(AdminServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public AdminServer Server { get; } = server;

    /// <summary>Creates an org with <c>conversation_capture</c> set (omitted when null) and returns its keys' (id, secret).</summary>
    public async Task<(string Id, string Secret)[]> OrgWithKeysAsync(string orgId, string? capture, int keys)
    {
        var policy = capture is null ? string.Empty : $$""","policy":{"conversation_capture":"{{capture}}"}""";
        await Server.CreateOrgAsync(orgId, policy);
        var result = new (string, string)[keys];
        for (var i = 0; i < keys; i++)
        {
            var key = await Server.CreateKeyAsync(orgId);
            result[i] = (key.GetProperty("id").GetString()!, key.GetProperty("secret").GetString()!);
        }

        return result;
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string secret, string? body = null) =>
        Server.SendAsync(method, path, body, secret);

    /// <summary>Sends and checks the status; returns the JSON body.</summary>
    public async Task<JsonElement> JsonAsync(HttpMethod method, string path, string secret, string? body = null, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await SendAsync(method, path, secret, body);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(expected == response.StatusCode, $"{method} {path}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Creates a conversation; returns its id.</summary>
    public async Task<string> CreateAsync(string secret, string? title = null)
    {
        var body = title is null ? null : $$"""{"title":"{{JsonEncodedText.Encode(title)}}"}""";
        var created = await JsonAsync(HttpMethod.Post, "/v1/conversations", secret, body, HttpStatusCode.Created);
        return created.GetProperty("id").GetString()!;
    }

    /// <summary>Sends and reads the OpenAI-shaped error (its request id must match the response header).</summary>
    public async Task<(HttpStatusCode Status, string? Code, string? Param, string Message)> ErrorAsync(HttpMethod method, string path, string secret, string? body = null)
    {
        using var response = await SendAsync(method, path, secret, body);
        return await AdminServer.ErrorAsync(response);
    }

    /// <summary>Lists the ids of one page.</summary>
    public async Task<string[]> IdsAsync(string path, string secret) =>
        [.. (await JsonAsync(HttpMethod.Get, path, secret)).GetProperty("data").EnumerateArray().Select(static c => c.GetProperty("id").GetString()!)];
}
