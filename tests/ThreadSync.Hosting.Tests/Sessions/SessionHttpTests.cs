using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ThreadSync.Gateway.Audit;
using ThreadSync.Gateway.Governance;
using ThreadSync.Gateway.Storage;
using ThreadSync.Hosting.Tests.Governance;
using ThreadSync.Testing.FakeUpstreams;

namespace ThreadSync.Hosting.Tests.Sessions;

/// <summary>
/// Browser-safe subject sessions over HTTP, end to end on a real server: share code, PKCE exchange, signed requests,
/// origin binding, CORS, and every refusal with its code and its audit record.
/// </summary>
public sealed class SessionHttpTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ASignedRequest_IsServed_GovernedByTheMintingKey_AndAttributedToTheSubject()
    {
        await using var server = await GovernedServer.StartAsync();
        var sessions = new SessionClient(server);
        var (secret, client) = await sessions.SetUpAsync("org-s");
        var session = await sessions.OpenAsync(secret, client.Id, subject: "alice@example.com");
        Assert.Equal("alice@example.com", session.SubjectId);
        Assert.StartsWith("tss_", session.Token, StringComparison.Ordinal);

        server.OpenAI.Enqueue(FakeReply.Text("Hello Alice."));
        using var response = await sessions.SendSignedAsync(session, HttpMethod.Post, "/v1/chat/completions", SessionClient.ChatBody());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(SessionClient.Origin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("Hello Alice.", json.RootElement.GetProperty("content").GetString());

        // Billed to the minting key; on the chain as the subject's, with the session.
        var keyId = await server.KeyIdOfAsync(secret);
        Assert.Single(await server.LedgerAsync(keyId), r => r.StatusCode == 200);
        var records = await server.Stores.Audit.ListLatestAsync(AuditKinds.Inference, 5, Ct);
        var record = Assert.Single(records);
        Assert.Equal(("subject:alice@example.com", session.SessionId, keyId, 200), (record.Actor, record.Target, record.KeyId, record.StatusCode));
        var events = await server.Stores.Audit.ListLatestAsync(AuditKinds.Session, 5, Ct);
        Assert.Equal(["session.exchange", "session.share_code"], events.Select(e => e.Action));
        Assert.All(events, e => Assert.Equal(("ok", "subject:alice@example.com"), (e.Verdict, e.Actor)));
        Assert.True((await server.Stores.Audit.VerifyAsync(Ct)).Valid);
    }

    [Fact]
    public async Task TheExchange_RefusesAWrongVerifier_AReusedOrExpiredCode_AndAWrongOrigin_EachAudited()
    {
        await using var server = await GovernedServer.StartAsync();
        var sessions = new SessionClient(server);
        var (secret, client) = await sessions.SetUpAsync("org-x");

        // A wrong verifier spends the code: the right one afterwards finds it gone.
        var (verifier, challenge) = SessionClient.NewPkce();
        var code = await sessions.MintCodeAsync(secret, client.Id, challenge);
        await AssertRefusedAsync(await sessions.ExchangeAsync(code, SessionClient.NewPkce().Verifier), HttpStatusCode.BadRequest, "pkce_verification_failed");
        await AssertRefusedAsync(await sessions.ExchangeAsync(code, verifier), HttpStatusCode.BadRequest, "share_code_invalid");

        // Used once, refused the second time.
        (verifier, challenge) = SessionClient.NewPkce();
        code = await sessions.MintCodeAsync(secret, client.Id, challenge);
        using (var first = await sessions.ExchangeAsync(code, verifier))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal("no-store", first.Headers.CacheControl!.ToString());
        }

        await AssertRefusedAsync(await sessions.ExchangeAsync(code, verifier), HttpStatusCode.BadRequest, "share_code_invalid");

        // Expired: a code whose lifetime ended.
        (verifier, challenge) = SessionClient.NewPkce();
        const string Expired = "tsc_expired-code-for-the-test-0123456789abcdefghij";
        await server.Stores.Sessions.CreateShareCodeAsync(
            new ShareCode
            {
                CodeHash = System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(Expired)),
                AppClientId = client.Id,
                OrgId = client.OrgId,
                KeyId = await server.KeyIdOfAsync(secret),
                SubjectId = "alice",
                CodeChallenge = challenge,
                CreatedAt = DateTimeOffset.UtcNow.AddMinutes(-5),
                ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-4),
            },
            Ct);
        await AssertRefusedAsync(await sessions.ExchangeAsync(Expired, verifier), HttpStatusCode.BadRequest, "share_code_expired");

        // From an origin the app client does not allow, or with none.
        (verifier, challenge) = SessionClient.NewPkce();
        code = await sessions.MintCodeAsync(secret, client.Id, challenge);
        await AssertRefusedAsync(await sessions.ExchangeAsync(code, verifier, origin: "https://evil.example.com"), HttpStatusCode.Forbidden, "origin_not_allowed");
        (verifier, challenge) = SessionClient.NewPkce();
        code = await sessions.MintCodeAsync(secret, client.Id, challenge);
        await AssertRefusedAsync(await sessions.ExchangeAsync(code, verifier, origin: null), HttpStatusCode.Forbidden, "origin_not_allowed");

        var refusals = (await server.Stores.Audit.ListLatestAsync(AuditKinds.Session, 50, Ct)).Where(e => e.Verdict == "refused").Select(e => Reason(e.Details)).ToList();
        Assert.Equal(
            ["origin_not_allowed", "origin_not_allowed", "share_code_expired", "share_code_invalid", "share_code_invalid", "pkce_verification_failed"],
            refusals);
        Assert.Equal(0, server.OpenAI.RequestCount);
    }

    [Fact]
    public async Task SignedRequests_AreRefused_ForABadSignature_ATamperedBody_AStaleTimestamp_AReplayedNonce_AndTheWrongOrigin()
    {
        await using var server = await GovernedServer.StartAsync();
        var sessions = new SessionClient(server);
        var (secret, client) = await sessions.SetUpAsync("org-sig");
        var session = await sessions.OpenAsync(secret, client.Id);
        var body = SessionClient.ChatBody();
        const string Path = "/v1/chat/completions";

        await AssertRefusedAsync(await sessions.SendSignedAsync(session, HttpMethod.Post, Path, body, hmacKey: SessionClient.NewNonce() + "AAAAAAAAAAAAAAAAAAAAA"), HttpStatusCode.Unauthorized, "signature_invalid");
        await AssertRefusedAsync(await sessions.SendSignedAsync(session, HttpMethod.Post, Path, SessionClient.ChatBody("Say something else."), signedBody: body), HttpStatusCode.Unauthorized, "signature_invalid");
        await AssertRefusedAsync(await sessions.SendSignedAsync(session, HttpMethod.Post, Path, body, timestamp: SessionClient.Now() - 3600), HttpStatusCode.Unauthorized, "signature_expired");
        await AssertRefusedAsync(await sessions.SendSignedAsync(session, HttpMethod.Post, Path, body, origin: "https://evil.example.com"), HttpStatusCode.Forbidden, "origin_not_allowed");
        await AssertRefusedAsync(await sessions.SendSignedAsync(session, HttpMethod.Post, Path, body, adjust: r => r.Headers.Remove("x-threadsync-signature")), HttpStatusCode.Unauthorized, "signature_invalid");
        await AssertRefusedAsync(
            await sessions.SendSignedAsync(session, HttpMethod.Post, Path, body, adjust: r => { r.Headers.Remove("x-threadsync-session"); r.Headers.Add("x-threadsync-session", "tss_not-a-session"); }),
            HttpStatusCode.Unauthorized,
            "session_invalid");

        var nonce = SessionClient.NewNonce();
        var timestamp = SessionClient.Now();
        using (var first = await sessions.SendSignedAsync(session, HttpMethod.Post, Path, body, timestamp: timestamp, nonce: nonce))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        await AssertRefusedAsync(await sessions.SendSignedAsync(session, HttpMethod.Post, Path, body, timestamp: timestamp, nonce: nonce), HttpStatusCode.Unauthorized, "nonce_reused");
        Assert.Equal(1, server.OpenAI.RequestCount);

        // Each refusal is on the chain, attributed to the session's subject where the token named a session.
        var refused = (await server.Stores.Audit.ListLatestAsync(AuditKinds.Inference, 20, Ct)).Where(r => r.StatusCode >= 400).ToList();
        Assert.Equal(7, refused.Count);
        Assert.Equal(
            ["nonce_reused", "session_invalid", "signature_invalid", "origin_not_allowed", "signature_expired", "signature_invalid", "signature_invalid"],
            refused.Select(r => Reason(r.Details)));
        Assert.All(refused.Where(r => Reason(r.Details) != "session_invalid"), r => Assert.Equal(("subject:alice", session.SessionId), (r.Actor, r.Target)));
    }

    [Fact]
    public async Task ARevokedSession_IsRefused_WhetherTheBrowserEndedIt_OrItsBackendRevokedIt()
    {
        await using var server = await GovernedServer.StartAsync();
        var sessions = new SessionClient(server);
        var (secret, client) = await sessions.SetUpAsync("org-rev");

        var ended = await sessions.OpenAsync(secret, client.Id);
        using (var end = await sessions.SendSignedAsync(ended, HttpMethod.Delete, "/v1/sessions/current", string.Empty))
        {
            Assert.Equal(HttpStatusCode.OK, end.StatusCode);
        }

        await AssertRefusedAsync(await sessions.SendSignedAsync(ended, HttpMethod.Post, "/v1/chat/completions", SessionClient.ChatBody()), HttpStatusCode.Unauthorized, "session_revoked");

        var revoked = await sessions.OpenAsync(secret, client.Id, subject: "bob");
        using (var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.BaseUrl, $"/v1/sessions/{revoked.SessionId}/revoke")))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            using var response = await server.Http.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await AssertRefusedAsync(await sessions.SendSignedAsync(revoked, HttpMethod.Post, "/v1/chat/completions", SessionClient.ChatBody()), HttpStatusCode.Unauthorized, "session_revoked");

        // Another org's key cannot revoke it.
        var stranger = await server.CreateKeyAsync("org-other");
        var third = await sessions.OpenAsync(secret, client.Id, subject: "carol");
        using (var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.BaseUrl, $"/v1/sessions/{third.SessionId}/revoke")))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", stranger);
            await AssertRefusedAsync(await server.Http.SendAsync(request, Ct), HttpStatusCode.NotFound, "not_found");
        }

        using var stillWorks = await sessions.SendSignedAsync(third, HttpMethod.Post, "/v1/chat/completions", SessionClient.ChatBody());
        Assert.Equal(HttpStatusCode.OK, stillWorks.StatusCode);
        Assert.Equal(1, server.OpenAI.RequestCount);
        var events = (await server.Stores.Audit.ListLatestAsync(AuditKinds.Session, 50, Ct)).Select(e => (e.Action, e.Verdict)).ToList();
        Assert.Contains(("session.end", "ok"), events);
        Assert.Contains(("session.revoke", "ok"), events);
        Assert.Contains(("session.revoke", "refused"), events);
    }

    [Fact]
    public async Task TheAppClientsRules_LimitTheSessionsModels_AndIdempotencyKeysAreScopedPerSubject()
    {
        await using var server = await GovernedServer.StartAsync();
        var sessions = new SessionClient(server);
        var (secret, client) = await sessions.SetUpAsync("org-rules", appAccess: new AccessRules { AllowedModels = ["gpt-4o"] });
        var alice = await sessions.OpenAsync(secret, client.Id, "alice");
        var bob = await sessions.OpenAsync(secret, client.Id, "bob");

        var refused = await AssertRefusedAsync(await sessions.SendSignedAsync(alice, HttpMethod.Post, "/v1/chat/completions", SessionClient.ChatBody(model: "claude-sonnet-4-6")), HttpStatusCode.Forbidden, "model_not_allowed");
        Assert.Contains("app client", refused.GetProperty("message").GetString(), StringComparison.Ordinal);

        server.OpenAI.Enqueue(FakeReply.Text("for alice"));
        server.OpenAI.Enqueue(FakeReply.Text("for bob"));
        void Key(HttpRequestMessage r) => r.Headers.Add("Idempotency-Key", "same-key");
        using var a = await sessions.SendSignedAsync(alice, HttpMethod.Post, "/v1/chat/completions", SessionClient.ChatBody(), adjust: Key);
        using var b = await sessions.SendSignedAsync(bob, HttpMethod.Post, "/v1/chat/completions", SessionClient.ChatBody(), adjust: Key);
        using var aAgain = await sessions.SendSignedAsync(alice, HttpMethod.Post, "/v1/chat/completions", SessionClient.ChatBody(), adjust: Key);
        Assert.Equal(2, server.OpenAI.RequestCount);
        Assert.Contains("for alice", await a.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Contains("for bob", await b.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal("true", aAgain.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await a.Content.ReadAsStringAsync(Ct), await aAgain.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task ASession_ListsOnlyTheModelsItsAppClientAllows_WithASignedGet()
    {
        await using var server = await GovernedServer.StartAsync();
        var sessions = new SessionClient(server);
        var (secret, client) = await sessions.SetUpAsync("org-models", appAccess: new AccessRules { AllowedModels = ["gpt-4o"] });
        var session = await sessions.OpenAsync(secret, client.Id);

        using var response = await sessions.SendSignedAsync(session, HttpMethod.Get, "/v1/models", string.Empty);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(["gpt-4o"], json.RootElement.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
        await AssertRefusedAsync(await sessions.SendSignedAsync(session, HttpMethod.Get, "/v1/models?x=1", string.Empty, adjust: r => r.RequestUri = new Uri(server.BaseUrl, "/v1/models?x=2")), HttpStatusCode.Unauthorized, "signature_invalid");
    }

    [Fact]
    public async Task ASession_RemembersItsConversation_AndListsReadsAndDeletesIt_WithSignedRequests()
    {
        await using var server = await GovernedServer.StartAsync();
        var sessions = new SessionClient(server);
        var (secret, client) = await sessions.SetUpAsync("org-conv");
        var alice = await sessions.OpenAsync(secret, client.Id, "alice");
        var bob = await sessions.OpenAsync(secret, client.Id, "bob");
        var conversation = "conv-" + Guid.NewGuid().ToString("N");
        var body = $$"""{"model": "gpt-4o", "max_tokens": 20, "conversation_id": "{{conversation}}", "messages": [{"role": "user", "content": "Remember 42."}]}""";

        using (var chat = await sessions.SendSignedAsync(alice, HttpMethod.Post, "/v1/chat/completions", body))
        {
            Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        }

        Assert.Equal("alice", (await server.Stores.Conversations.GetAsync(conversation, Ct))!.SubjectId);
        using (var list = await sessions.SendSignedAsync(alice, HttpMethod.Get, "/v1/conversations", string.Empty))
        {
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
            Assert.Equal(SessionClient.Origin, list.Headers.GetValues("Access-Control-Allow-Origin").Single());
            using var json = JsonDocument.Parse(await list.Content.ReadAsStringAsync(Ct));
            Assert.Equal([conversation], json.RootElement.GetProperty("data").EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        }

        // Another subject of the same backend key sees nothing of it.
        await AssertRefusedAsync(await sessions.SendSignedAsync(bob, HttpMethod.Get, $"/v1/conversations/{conversation}", string.Empty), HttpStatusCode.NotFound, "conversation_not_found");
        using (var read = await sessions.SendSignedAsync(alice, HttpMethod.Get, $"/v1/conversations/{conversation}", string.Empty))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            using var json = JsonDocument.Parse(await read.Content.ReadAsStringAsync(Ct));
            Assert.Equal(2, json.RootElement.GetProperty("turns").GetArrayLength());
        }

        using (var deleted = await sessions.SendSignedAsync(alice, HttpMethod.Delete, $"/v1/conversations/{conversation}", string.Empty))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

        Assert.Null(await server.Stores.Conversations.GetAsync(conversation, Ct));
    }

    [Fact]
    public async Task Cors_AnswersPreflightsForRegisteredOrigins_Only()
    {
        await using var server = await GovernedServer.StartAsync();
        var sessions = new SessionClient(server);
        await sessions.SetUpAsync("org-cors");

        using (var preflight = await PreflightAsync(server, SessionClient.Origin, "/v1/chat/completions"))
        {
            Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
            Assert.Equal(SessionClient.Origin, preflight.Headers.GetValues("Access-Control-Allow-Origin").Single());
            Assert.Contains("x-threadsync-signature", preflight.Headers.GetValues("Access-Control-Allow-Headers").Single(), StringComparison.Ordinal);
            Assert.False(preflight.Headers.Contains("Access-Control-Allow-Credentials"));
        }

        using (var stranger = await PreflightAsync(server, "https://evil.example.com", "/v1/sessions/exchange"))
        {
            Assert.False(stranger.Headers.Contains("Access-Control-Allow-Origin"));
        }

        using (var admin = await PreflightAsync(server, SessionClient.Origin, "/admin/v1/keys"))
        {
            Assert.False(admin.Headers.Contains("Access-Control-Allow-Origin"));
        }
    }

    [Fact]
    public async Task AnApiKeyFromABrowser_IsRefusedOutsideDevelopment_UnlessAllowed()
    {
        await using (var server = await GovernedServer.StartAsync())
        {
            var secret = await server.CreateKeyAsync("org-browser");
            using var fromBrowser = await SendWithKeyAsync(server, secret, SessionClient.Origin);
            await AssertRefusedAsync(fromBrowser, HttpStatusCode.Forbidden, "browser_api_key_refused");
            using var fromBackend = await SendWithKeyAsync(server, secret, origin: null);
            Assert.Equal(HttpStatusCode.OK, fromBackend.StatusCode);
            Assert.Equal(1, server.OpenAI.RequestCount);
        }

        await using (var server = await GovernedServer.StartAsync(new() { ["ThreadSync:Sessions:AllowBrowserApiKeys"] = "true" }))
        {
            var secret = await server.CreateKeyAsync("org-browser");
            using var fromBrowser = await SendWithKeyAsync(server, secret, SessionClient.Origin);
            Assert.Equal(HttpStatusCode.OK, fromBrowser.StatusCode);
        }

        await using (var server = await GovernedServer.StartAsync(new() { ["environment"] = "Development" }))
        {
            var secret = await server.CreateKeyAsync("org-browser");
            using var fromBrowser = await SendWithKeyAsync(server, secret, SessionClient.Origin);
            Assert.Equal(HttpStatusCode.OK, fromBrowser.StatusCode);
        }

        await using (var server = await GovernedServer.StartAsync(new() { ["environment"] = "Staging" }))
        {
            var secret = await server.CreateKeyAsync("org-browser");
            await AssertRefusedAsync(await SendWithKeyAsync(server, secret, SessionClient.Origin), HttpStatusCode.Forbidden, "browser_api_key_refused");
        }
    }

    [Fact]
    public async Task ShareCodes_NeedAnAppClientOfTheKeysOrg_AndAnS256Challenge()
    {
        await using var server = await GovernedServer.StartAsync();
        var sessions = new SessionClient(server);
        var (secret, client) = await sessions.SetUpAsync("org-mint");
        var stranger = await server.CreateKeyAsync("org-stranger");
        var (_, challenge) = SessionClient.NewPkce();

        await AssertRefusedAsync(await sessions.MintAsync(stranger, client.Id, challenge), HttpStatusCode.NotFound, "app_client_not_found");
        await AssertRefusedAsync(await sessions.MintAsync(secret, client.Id, "too-short"), HttpStatusCode.BadRequest, "invalid_parameter");
        await AssertRefusedAsync(await sessions.MintAsync(secret, "app_missing", challenge), HttpStatusCode.NotFound, "app_client_not_found");
        using var minted = await sessions.MintAsync(secret, client.Id, challenge, subject: null);
        Assert.Equal(HttpStatusCode.Created, minted.StatusCode);
        using var json = JsonDocument.Parse(await minted.Content.ReadAsStringAsync(Ct));
        Assert.StartsWith("tsc_", json.RootElement.GetProperty("share_code").GetString(), StringComparison.Ordinal);
        Assert.Equal(60, json.RootElement.GetProperty("expires_in").GetInt32());
    }

    private static async Task<HttpResponseMessage> PreflightAsync(GovernedServer server, string origin, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, new Uri(server.BaseUrl, path));
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type, x-threadsync-session");
        return await server.Http.SendAsync(request, Ct);
    }

    private static async Task<HttpResponseMessage> SendWithKeyAsync(GovernedServer server, string secret, string? origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.BaseUrl, "/v1/chat/completions")) { Content = new StringContent(SessionClient.ChatBody(), Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return await server.Http.SendAsync(request, Ct);
    }

    private static string? Reason(string? details) =>
        details is null ? null : JsonDocument.Parse(details).RootElement.TryGetProperty("reason", out var reason) ? reason.GetString() : null;

    private static async Task<JsonElement> AssertRefusedAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(status == response.StatusCode, $"expected {status}, got {response.StatusCode}: {text}");
            using var json = JsonDocument.Parse(text);
            var error = json.RootElement.GetProperty("error");
            Assert.Equal(code, error.GetProperty("code").GetString());
            Assert.False(string.IsNullOrEmpty(error.GetProperty("request_id").GetString()));
            return error.Clone();
        }
    }
}
