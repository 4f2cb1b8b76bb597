using System.Buffers.Text;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ThreadSync.Hosting.Tests.Browser;

/// <summary>
/// The browser client of subject sessions (<c>wwwroot/threadsync-session.js</c>), run in headless Chromium against
/// <see cref="BrowserTestSite"/>: PKCE pairs, the request signature (checked against a C# computation), where the
/// session material lives, and signed calls end to end against a verifying stand-in.
/// </summary>
public sealed partial class BrowserSessionModuleTests(BrowserSessionModuleFixture fixture) : IClassFixture<BrowserSessionModuleFixture>
{
    /// <summary>Imports the module as <c>m</c> inside an async function body.</summary>
    private const string Import = "const m = await import('/threadsync-session.js');";

    [Fact]
    public async Task CreatePkcePair_GivesAnAllowedVerifier_AndItsS256Challenge()
    {
        await using var page = await OpenBlankPageAsync();

        var pairs = (JsonArray)(await page.EvaluateAsync($"(async () => {{ {Import} return [await m.createPkcePair(), await m.createPkcePair(), await m.createPkcePair()]; }})()"))!;

        var verifiers = new HashSet<string>();
        foreach (var pair in pairs)
        {
            var verifier = (string)pair!["verifier"]!;
            var challenge = (string)pair["challenge"]!;
            Assert.Matches(VerifierPattern(), verifier);
            Assert.Equal(SessionSignature.Challenge(verifier), challenge);
            Assert.Equal(43, challenge.Length);
            Assert.True(verifiers.Add(verifier), "Each pair has a fresh verifier.");
        }
    }

    [Theory]
    [InlineData("POST", "/v1/chat/completions", """{"model":"gpt-4o","messages":[{"role":"user","content":"héllo ✓ \"quoted\"\n"}]}""")]
    [InlineData("delete", "/v1/sessions/current", "")]
    [InlineData("GET", "/v1/models?provider=openai&q=a%20b", "")]
    public async Task SignRequest_EqualsTheSignatureComputedInCSharp(string method, string pathAndQuery, string body)
    {
        await using var page = await OpenBlankPageAsync();
        const long Timestamp = 1_767_225_600;
        const string Nonce = "n0nce-0123456789_abcdefghijklmnop";
        var key = Base64Url.EncodeToString(BrowserTestSite.HmacKey);
        var request = new JsonObject
        {
            ["hmacKeyBase64Url"] = key,
            ["method"] = method,
            ["pathAndQuery"] = pathAndQuery,
            ["timestamp"] = Timestamp,
            ["nonce"] = Nonce,
            ["body"] = body,
        };

        var result = (await page.CallAsync(
            $"async (r) => {{ {Import} return {{ canonical: await m.canonicalRequest(r), signature: await m.signRequest(r), bytes: await m.signRequest({{ ...r, body: new TextEncoder().encode(r.body) }}) }}; }}",
            request))!;

        var canonical = SessionSignature.Canonical(method, pathAndQuery, Timestamp, Nonce, Encoding.UTF8.GetBytes(body));
        var expected = SessionSignature.Sign(BrowserTestSite.HmacKey, canonical);
        Assert.Equal(canonical, (string)result["canonical"]!);
        Assert.Equal(expected, (string)result["signature"]!);
        Assert.Equal(expected, (string)result["bytes"]!);
    }

    [Fact]
    public async Task Exchange_KeepsTheSessionOnlyInMemory()
    {
        await using var page = await OpenBlankPageAsync();

        var result = (await page.EvaluateAsync($$"""
            (async () => {
              {{Import}}
              const pkce = await m.createPkcePair();
              const session = await m.ThreadSyncSession.exchange({ baseUrl: location.origin, shareCode: '{{BrowserTestSite.ShareCode}}', codeVerifier: pkce.verifier });
              globalThis.__session = session;
              return {
                verifier: pkce.verifier,
                expiresAt: session.expiresAt,
                sessionId: session.sessionId,
                subjectId: session.subjectId,
                ownKeys: Reflect.ownKeys(session).map(String),
                json: JSON.stringify(session),
                localStorage: localStorage.length,
                sessionStorage: sessionStorage.length,
                cookie: document.cookie,
                indexedDb: (await indexedDB.databases()).map(d => d.name),
                caches: await caches.keys(),
              };
            })()
            """))!;

        Assert.Contains((string)result["verifier"]!, fixture.Site.Verifiers);
        Assert.Equal(BrowserTestSite.ExpiresAt, (long)result["expiresAt"]!);
        Assert.Equal(BrowserTestSite.SessionId, (string)result["sessionId"]!);
        Assert.Equal(BrowserTestSite.SubjectId, (string)result["subjectId"]!);
        Assert.Empty((JsonArray)result["ownKeys"]!);
        Assert.Equal("{}", (string)result["json"]!);
        Assert.Equal(0, (int)result["localStorage"]!);
        Assert.Equal(0, (int)result["sessionStorage"]!);
        Assert.Equal(string.Empty, (string)result["cookie"]!);
        Assert.Empty((JsonArray)result["indexedDb"]!);
        Assert.Empty((JsonArray)result["caches"]!);
    }

    [Fact]
    public async Task SignedCalls_AreAcceptedByAVerifier_AndEndForgetsTheSession()
    {
        await using var page = await OpenBlankPageAsync();
        var before = fixture.Site.SignedRequests.Count;

        var result = (await page.EvaluateAsync($$"""
            (async () => {
              {{Import}}
              const pkce = await m.createPkcePair();
              const session = await m.ThreadSyncSession.exchange({ shareCode: '{{BrowserTestSite.ShareCode}}', codeVerifier: pkce.verifier });
              const first = await session.chat({ model: 'gpt-4o', messages: [{ role: 'user', content: 'héllo ✓' }] });
              const second = await session.chat({ model: 'gpt-4o', messages: [{ role: 'user', content: 'again' }] });
              await session.end();
              let afterEnd = null;
              try { await session.fetch('/v1/chat/completions', { method: 'POST', body: '{}' }); } catch (e) { afterEnd = e.message; }
              return { first: first.content, second: second.content, ended: session.ended, afterEnd };
            })()
            """))!;

        Assert.Equal("echo: héllo ✓", (string)result["first"]!);
        Assert.Equal("echo: again", (string)result["second"]!);
        Assert.True((bool)result["ended"]!);
        Assert.Contains("ended", (string)result["afterEnd"]!, StringComparison.Ordinal);

        var signed = fixture.Site.SignedRequests.Skip(before).ToList();
        Assert.Equal(["POST /v1/chat/completions", "POST /v1/chat/completions", "DELETE /v1/sessions/current"], signed.Select(static r => $"{r.Method} {r.PathAndQuery}"));
        Assert.All(signed, static r => Assert.True(r.Valid, $"The verifier refused {r.Method} {r.PathAndQuery}."));
        Assert.All(signed, static r => Assert.Equal(string.Empty, r.Cookie));
        Assert.Equal(signed.Count, signed.Select(static r => r.Nonce).Distinct().Count());
        Assert.Equal(string.Empty, signed[2].Body);
    }

    [Fact]
    public async Task Chat_ThrowsAnErrorCarryingTheServersCode()
    {
        await using var page = await OpenBlankPageAsync();

        var result = (await page.EvaluateAsync($$"""
            (async () => {
              {{Import}}
              const pkce = await m.createPkcePair();
              const session = await m.ThreadSyncSession.exchange({ shareCode: '{{BrowserTestSite.ShareCode}}', codeVerifier: pkce.verifier });
              try {
                await session.chat({ model: '{{BrowserTestSite.ExpiredModel}}', messages: [{ role: 'user', content: 'hi' }] });
                return null;
              } catch (e) {
                return { name: e.name, code: e.code, status: e.status, type: e.type, requestId: e.requestId, isError: e instanceof Error, message: e.message };
              }
            })()
            """))!;

        Assert.Equal("ThreadSyncError", (string)result["name"]!);
        Assert.Equal("session_expired", (string)result["code"]!);
        Assert.Equal(401, (int)result["status"]!);
        Assert.Equal("authentication_error", (string)result["type"]!);
        Assert.Equal("req_browser_test", (string)result["requestId"]!);
        Assert.True((bool)result["isError"]!);
    }

    [Fact]
    public async Task Exchange_RefusesAMalformedVerifier_WithoutCallingTheServer()
    {
        await using var page = await OpenBlankPageAsync();
        var before = fixture.Site.Verifiers.Count;

        var message = await page.EvaluateAsync($$"""
            (async () => {
              {{Import}}
              try { await m.ThreadSyncSession.exchange({ shareCode: '{{BrowserTestSite.ShareCode}}', codeVerifier: 'too-short' }); return null; }
              catch (e) { return e.message; }
            })()
            """);

        Assert.Contains("codeVerifier", (string)message!, StringComparison.Ordinal);
        Assert.Equal(before, fixture.Site.Verifiers.Count);
    }

    [GeneratedRegex("^[A-Za-z0-9._~-]{43,128}$")]
    private static partial Regex VerifierPattern();

    private async Task<BrowserPage> OpenBlankPageAsync()
    {
        var page = await fixture.Browser.NewPageAsync();
        await page.GotoAsync(new Uri(fixture.Site.BaseUrl, "/blank.html"));
        return page;
    }
}
