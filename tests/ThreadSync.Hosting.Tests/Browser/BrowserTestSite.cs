using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;

namespace ThreadSync.Hosting.Tests.Browser;

/// <summary>
/// A tiny loopback site for the browser module's tests: serves the reference server's <c>wwwroot</c> (copied next to
/// the test binary), a blank page, and stand-ins for the gateway's session endpoints: <c>POST /v1/sessions/exchange</c>
/// answers fixed material (and tries to set a cookie, which a credentials-omitting client must not keep);
/// <c>POST /v1/chat/completions</c> and <c>DELETE /v1/sessions/current</c> check the request signature with
/// <see cref="SessionSignature"/> and record what they saw.
/// </summary>
public sealed class BrowserTestSite : IAsyncDisposable
{
    public const string ShareCode = "tsc_browser-test-share-code";
    public const string SubjectToken = "tss_browser-test-subject-token";
    public const string SessionId = "ses_browser-test";
    public const string SubjectId = "user-42";
    public const long ExpiresAt = 4_102_444_800;

    /// <summary>The model name that makes the chat stand-in answer an OpenAI-shaped 401 (session_expired).</summary>
    public const string ExpiredModel = "expired-session-model";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, bool> _nonces = new();

    private BrowserTestSite(WebApplication app) => _app = app;

    /// <summary>Gets the session HMAC key the exchange hands out.</summary>
    public static byte[] HmacKey { get; } = [.. Enumerable.Range(0, 32).Select(static i => (byte)(0xA0 + i))];

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Gets the code verifiers the exchange received.</summary>
    public ConcurrentQueue<string> Verifiers { get; } = new();

    /// <summary>Gets the signed requests received, with whether each signature checked out.</summary>
    public ConcurrentQueue<SignedRequest> SignedRequests { get; } = new();

    public static async Task<BrowserTestSite> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var site = new BrowserTestSite(app);
        app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(Path.Combine(AppContext.BaseDirectory, "wwwroot")) });
        app.MapGet("/blank.html", static http =>
        {
            http.Response.ContentType = "text/html; charset=utf-8";
            return http.Response.WriteAsync("<!doctype html><html><head><title>blank</title></head><body></body></html>");
        });
        app.MapPost("/v1/sessions/exchange", site.ExchangeAsync);
        app.MapPost("/v1/chat/completions", site.SignedAsync);
        app.MapDelete("/v1/sessions/current", site.SignedAsync);
        await app.StartAsync();
        site.BaseUrl = new Uri(app.Urls.Single());
        return site;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task ExchangeAsync(HttpContext http)
    {
        using var request = await JsonDocument.ParseAsync(http.Request.Body);
        var shareCode = request.RootElement.GetProperty("share_code").GetString();
        var verifier = request.RootElement.GetProperty("code_verifier").GetString()!;
        Verifiers.Enqueue(verifier);
        if (shareCode != ShareCode)
        {
            await WriteErrorAsync(http, 400, "invalid_share_code");
            return;
        }

        http.Response.Headers.SetCookie = "threadsync_probe=1; Path=/; SameSite=Strict";
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync($$"""
            {"session_id":"{{SessionId}}","subject_token":"{{SubjectToken}}","hmac_key":"{{Base64Url.EncodeToString(HmacKey)}}","expires_at":{{ExpiresAt}},"expires_in":900,"subject_id":"{{SubjectId}}"}
            """);
    }

    private async Task SignedAsync(HttpContext http)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var headers = http.Request.Headers;
        var token = headers["x-threadsync-session"].ToString();
        var timestampText = headers["x-threadsync-timestamp"].ToString();
        var nonce = headers["x-threadsync-nonce"].ToString();
        var signature = headers["x-threadsync-signature"].ToString();
        var pathAndQuery = http.Request.Path.Value + http.Request.QueryString.Value;

        var valid = token == SubjectToken
            && long.TryParse(timestampText, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp)
            && Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - timestamp) <= 300
            && nonce.Length is >= 22 and <= 64
            && nonce.All(static c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            && _nonces.TryAdd(nonce, true)
            && CryptographicOperations.FixedTimeEquals(
                Encoding.ASCII.GetBytes(signature),
                Encoding.ASCII.GetBytes(SessionSignature.Sign(HmacKey, SessionSignature.Canonical(http.Request.Method, pathAndQuery, timestamp, nonce, body))));
        SignedRequests.Enqueue(new SignedRequest(http.Request.Method, pathAndQuery, Encoding.UTF8.GetString(body), nonce, valid, http.Request.Headers.Cookie.ToString()));
        if (!valid)
        {
            await WriteErrorAsync(http, 401, "invalid_signature");
            return;
        }

        if (HttpMethods.IsDelete(http.Request.Method))
        {
            http.Response.StatusCode = 204;
            return;
        }

        using var chat = JsonDocument.Parse(body);
        if (chat.RootElement.GetProperty("model").GetString() == ExpiredModel)
        {
            await WriteErrorAsync(http, 401, "session_expired");
            return;
        }

        var prompt = chat.RootElement.GetProperty("messages")[0].GetProperty("content").GetString();
        http.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(http.Response.Body);
        writer.WriteStartObject();
        writer.WriteString("id", "chatcmpl-browser-test");
        writer.WriteString("object", "chat.completion");
        writer.WriteString("content", "echo: " + prompt);
        writer.WriteEndObject();
    }

    private static async Task WriteErrorAsync(HttpContext http, int status, string code)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync($$$"""
            {"error":{"message":"Refused by the test site ({{{code}}}).","type":"authentication_error","param":null,"code":"{{{code}}}","request_id":"req_browser_test"}}
            """);
    }

    /// <summary>A signed request the site received.</summary>
    public sealed record SignedRequest(string Method, string PathAndQuery, string Body, string Nonce, bool Valid, string Cookie);
}
