using System.Buffers.Text;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ThreadSync.Gateway.Governance;
using ThreadSync.Gateway.Storage;
using ThreadSync.Hosting.Tests.Governance;

namespace ThreadSync.Hosting.Tests.Sessions;

/// <summary>
/// What a backend and a browser do with subject sessions, in C#: mint a share code with an API key, exchange it from
/// an origin with a PKCE verifier, and sign requests the way the browser module does (docs/sessions.md).
/// </summary>
internal sealed class SessionClient(GovernedServer server)
{
    public const string Origin = "https://app.example.com";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static (string Verifier, string Challenge) NewPkce()
    {
        var verifier = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(48));
        return (verifier, Browser.SessionSignature.Challenge(verifier));
    }

    public static string NewNonce() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));

    public static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public static string Sign(string hmacKey, string method, string pathAndQuery, long timestamp, string nonce, string body) =>
        Browser.SessionSignature.Sign(Base64Url.DecodeFromChars(hmacKey), Browser.SessionSignature.Canonical(method, pathAndQuery, timestamp, nonce, Encoding.UTF8.GetBytes(body)));

    /// <summary>An org with full capture, a key, and an app client for <see cref="Origin"/>; returns the key's secret and the app client.</summary>
    public async Task<(string Secret, AppClient Client)> SetUpAsync(string orgId, AccessRules? appAccess = null, TimeSpan? lifetime = null)
    {
        var secret = await server.CreateKeyAsync(orgId);
        var client = new AppClient
        {
            Id = "app_" + Guid.NewGuid().ToString("N")[..12],
            OrgId = orgId,
            Name = "test app",
            AllowedOrigins = [Origin],
            Access = appAccess ?? AccessRules.AllowAll,
            SessionLifetime = lifetime ?? TimeSpan.FromMinutes(15),
            CreatedAt = DateTimeOffset.UtcNow,
        };
        Assert.True(await server.Stores.Sessions.CreateAppClientAsync(client, Ct));
        return (secret, client);
    }

    public async Task<HttpResponseMessage> MintAsync(string secret, string appClientId, string challenge, string? subject = "alice", string? origin = null)
    {
        var subjectField = subject is null ? string.Empty : $", \"subject_id\": \"{subject}\"";
        var body = $$"""{"app_client_id": "{{appClientId}}", "code_challenge": "{{challenge}}", "code_challenge_method": "S256"{{subjectField}}}""";
        using var request = Json(HttpMethod.Post, "/v1/sessions/share-codes", body);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return await server.Http.SendAsync(request, Ct);
    }

    public async Task<string> MintCodeAsync(string secret, string appClientId, string challenge, string subject = "alice")
    {
        using var response = await MintAsync(secret, appClientId, challenge, subject);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return json.RootElement.GetProperty("share_code").GetString()!;
    }

    public async Task<HttpResponseMessage> ExchangeAsync(string code, string verifier, string? origin = Origin)
    {
        using var request = Json(HttpMethod.Post, "/v1/sessions/exchange", $$"""{"share_code": "{{code}}", "code_verifier": "{{verifier}}"}""");
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return await server.Http.SendAsync(request, Ct);
    }

    /// <summary>A whole session: mint, exchange; returns the exchange's JSON (subject_token, hmac_key, session_id…).</summary>
    public async Task<Material> OpenAsync(string secret, string appClientId, string subject = "alice")
    {
        var (verifier, challenge) = NewPkce();
        var code = await MintCodeAsync(secret, appClientId, challenge, subject);
        using var response = await ExchangeAsync(code, verifier);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var root = json.RootElement;
        return new Material(root.GetProperty("session_id").GetString()!, root.GetProperty("subject_token").GetString()!, root.GetProperty("hmac_key").GetString()!, root.GetProperty("subject_id").GetString()!);
    }

    /// <summary>A signed request; each part can be overridden to make it wrong.</summary>
    public async Task<HttpResponseMessage> SendSignedAsync(
        Material session,
        HttpMethod method,
        string path,
        string body,
        string? origin = Origin,
        long? timestamp = null,
        string? nonce = null,
        string? signedBody = null,
        string? hmacKey = null,
        Action<HttpRequestMessage>? adjust = null)
    {
        var ts = timestamp ?? Now();
        var n = nonce ?? NewNonce();
        using var request = body.Length == 0 && method != HttpMethod.Post ? new HttpRequestMessage(method, new Uri(server.BaseUrl, path)) : Json(method, path, body);
        request.Headers.Add("x-threadsync-session", session.Token);
        request.Headers.Add("x-threadsync-timestamp", ts.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("x-threadsync-nonce", n);
        request.Headers.Add("x-threadsync-signature", Sign(hmacKey ?? session.HmacKey, method.Method, path, ts, n, signedBody ?? body));
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        adjust?.Invoke(request);
        return await server.Http.SendAsync(request, Ct);
    }

    public static string ChatBody(string text = "Say hi.", string model = "gpt-4o") =>
        $$"""{"model": "{{model}}", "max_tokens": 20, "messages": [{"role": "user", "content": "{{text}}"}]}""";

    private HttpRequestMessage Json(HttpMethod method, string path, string body)
    {
        var request = new HttpRequestMessage(method, new Uri(server.BaseUrl, path)) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return request;
    }

    internal sealed record Material(string SessionId, string Token, string HmacKey, string SubjectId);
}
