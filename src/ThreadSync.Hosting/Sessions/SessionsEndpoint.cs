using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using ThreadSync.Gateway;
using ThreadSync.Gateway.Governance;
using ThreadSync.Gateway.Storage;
using ThreadSync.Hosting.Admin;
using ThreadSync.Hosting.Http;

namespace ThreadSync.Hosting.Sessions;

/// <summary>
/// Browser-safe subject sessions: a backend holding an API key mints a short-lived, single-use share code bound to a
/// PKCE challenge (<c>POST /v1/sessions/share-codes</c>); the browser exchanges it with the verifier, from an origin
/// of the app client, for a subject token and an HMAC key (<c>POST /v1/sessions/exchange</c>); it ends its session
/// with <c>DELETE /v1/sessions/current</c>, and the backend can revoke one (<c>POST /v1/sessions/{id}/revoke</c>).
/// Every outcome, refusals included, is on the audit chain.
/// </summary>
internal sealed class SessionsEndpoint(
    IGatewayAuthenticator authenticator,
    GatewayStores stores,
    SessionRequestAuthenticator sessionAuthenticator,
    SessionAudit audit,
    IOptions<ThreadSyncSessionOptions> options,
    TimeProvider timeProvider)
{
    public const string ShareCodesPath = "/v1/sessions/share-codes";

    public const string ExchangePath = "/v1/sessions/exchange";

    public const string CurrentPath = "/v1/sessions/current";

    public const string RevokePath = "/v1/sessions/{id}/revoke";

    private const int MaxSubjectLength = 128;

    private ISessionStore Store => stores.Sessions;

    /// <summary>
    /// <c>POST /v1/sessions/share-codes</c> {app_client_id, code_challenge, code_challenge_method: "S256", subject_id?}
    /// with an API key of the app client's org → 201 {share_code, expires_at, expires_in}.
    /// </summary>
    public async Task ShareCodeAsync(HttpContext http)
    {
        await audit.RunAsync(new SessionAudit.Event("session.share_code", CorrelationId.Get(http), ShareCodesPath, 201, null), async scope =>
        {
            var caller = await RequestGuards.AuthenticateAsync(http.Request, authenticator);
            scope.Event = scope.Event with { KeyId = caller.KeyId, OrgId = caller.OrgId };
            if (caller.SessionId is not null)
            {
                throw new GatewayException(403, GatewayErrorCodes.InvalidApiKey, "A browser session cannot mint share codes: a backend does, with its API key.");
            }

            var body = (await AdminBody.ReadAsync(http.Request)).Allow("app_client_id", "code_challenge", "code_challenge_method", "subject_id");
            var clientId = body.OptionalText("app_client_id", 64, allowNull: false) ?? throw AdminErrors.Missing("app_client_id");
            var challenge = body.OptionalText("code_challenge", 43, allowNull: false) ?? throw AdminErrors.Missing("code_challenge");
            var method = body.OptionalText("code_challenge_method", 16) ?? "S256";
            var subject = body.OptionalText("subject_id", MaxSubjectLength) ?? caller.SubjectId;
            scope.Event = scope.Event with { AppClientId = clientId, SubjectId = subject, Target = clientId };
            if (!string.Equals(method, "S256", StringComparison.Ordinal))
            {
                throw AdminErrors.Invalid("code_challenge_method", "'code_challenge_method' must be \"S256\" (plain challenges are not accepted).");
            }

            if (!SessionCrypto.IsChallenge(challenge))
            {
                throw AdminErrors.Invalid("code_challenge", "'code_challenge' must be BASE64URL(SHA-256(code_verifier)) without padding: 43 characters.");
            }

            if (subject.Any(char.IsControl))
            {
                throw AdminErrors.Invalid("subject_id", "'subject_id' must not contain control characters.");
            }

            var client = await Store.GetAppClientAsync(clientId, http.RequestAborted);
            if (client is null || !string.Equals(client.OrgId, caller.OrgId, StringComparison.Ordinal))
            {
                throw new GatewayException(404, GatewayErrorCodes.AppClientNotFound, $"No app client '{AdminErrors.Quote(clientId)}' in this key's org.", param: "app_client_id");
            }

            if (client.RevokedAt is not null)
            {
                throw new GatewayException(403, GatewayErrorCodes.AppClientNotFound, $"The app client '{client.Id}' is revoked.", param: "app_client_id");
            }

            var now = timeProvider.GetUtcNow();
            var code = SessionCrypto.NewSecret("tsc_");
            var expiresAt = now + options.Value.ShareCodeLifetime;
            await Store.CreateShareCodeAsync(
                new ShareCode
                {
                    CodeHash = GatewayKeys.Hash(code),
                    AppClientId = client.Id,
                    OrgId = client.OrgId,
                    KeyId = caller.KeyId,
                    SubjectId = subject,
                    CodeChallenge = challenge,
                    CreatedAt = now,
                    ExpiresAt = expiresAt,
                },
                http.RequestAborted);
            await scope.CommitAsync();
            http.Response.StatusCode = StatusCodes.Status201Created;
            NoStore(http.Response);
            await JsonBody.WriteAsync(http.Response, (code, expiresAt, (long)options.Value.ShareCodeLifetime.TotalSeconds), static (w, s) =>
            {
                w.WriteStartObject();
                w.WriteString("share_code", s.code);
                w.WriteNumber("expires_at", s.expiresAt.ToUnixTimeSeconds());
                w.WriteNumber("expires_in", s.Item3);
                w.WriteEndObject();
            }, http.RequestAborted);
        });
    }

    /// <summary>
    /// <c>POST /v1/sessions/exchange</c> {share_code, code_verifier} from an origin of the app client → 200
    /// {session_id, subject_token, hmac_key, expires_at, expires_in, subject_id}. The code is spent by the attempt,
    /// whatever its outcome, so a stolen code gets one guess at the verifier.
    /// </summary>
    public async Task ExchangeAsync(HttpContext http)
    {
        var origin = OriginNames.Normalize(http.Request.Headers.Origin.ToString());
        await audit.RunAsync(new SessionAudit.Event("session.exchange", CorrelationId.Get(http), ExchangePath, 200, null) { Origin = origin ?? Truncated(http.Request.Headers.Origin.ToString()) }, async scope =>
        {
            var body = (await AdminBody.ReadAsync(http.Request)).Allow("share_code", "code_verifier");
            var code = body.OptionalText("share_code", 128, allowNull: false) ?? throw AdminErrors.Missing("share_code");
            var verifier = body.OptionalText("code_verifier", 128, allowNull: false) ?? throw AdminErrors.Missing("code_verifier");
            if (!SessionCrypto.IsVerifier(verifier))
            {
                throw AdminErrors.Invalid("code_verifier", "'code_verifier' must be 43 to 128 characters of A-Z, a-z, 0-9, '-', '.', '_' and '~'.");
            }

            var shareCode = await Store.RedeemShareCodeAsync(GatewayKeys.Hash(code), http.RequestAborted)
                ?? throw new GatewayException(400, GatewayErrorCodes.ShareCodeInvalid, "The share code is unknown or was already used: share codes are single-use. Ask the backend for a new one.", param: "share_code");
            scope.Event = scope.Event with { KeyId = shareCode.KeyId, OrgId = shareCode.OrgId, SubjectId = shareCode.SubjectId, AppClientId = shareCode.AppClientId, Target = shareCode.AppClientId };
            var now = timeProvider.GetUtcNow();
            if (now >= shareCode.ExpiresAt)
            {
                throw new GatewayException(400, GatewayErrorCodes.ShareCodeExpired, "The share code has expired. Ask the backend for a new one.", param: "share_code");
            }

            var client = await Store.GetAppClientAsync(shareCode.AppClientId, http.RequestAborted);
            if (client is null || client.RevokedAt is not null)
            {
                throw new GatewayException(403, GatewayErrorCodes.AppClientNotFound, "The share code's app client is revoked.", param: "share_code");
            }

            if (origin is null || !client.AllowedOrigins.Contains(origin))
            {
                throw new GatewayException(403, GatewayErrorCodes.OriginNotAllowed, "The exchange must come from one of the app client's origins (the browser's 'Origin' header).");
            }

            if (!SessionCrypto.VerifierMatches(verifier, shareCode.CodeChallenge))
            {
                throw new GatewayException(400, GatewayErrorCodes.PkceVerificationFailed, "The code_verifier does not match the share code's code_challenge; the share code is spent.", param: "code_verifier");
            }

            var token = SessionCrypto.NewSecret("tss_");
            var hmacKey = RandomNumberGenerator.GetBytes(32);
            var session = new SubjectSession
            {
                Id = "ses_" + Guid.CreateVersion7(now).ToString("N"),
                TokenHash = GatewayKeys.Hash(token),
                HmacKey = hmacKey,
                AppClientId = client.Id,
                OrgId = client.OrgId,
                KeyId = shareCode.KeyId,
                SubjectId = shareCode.SubjectId,
                Origin = origin,
                CreatedAt = now,
                ExpiresAt = now + client.SessionLifetime,
            };
            await Store.CreateSessionAsync(session, http.RequestAborted);
            scope.Event = scope.Event with { Target = session.Id };
            await scope.CommitAsync();
            NoStore(http.Response);
            await JsonBody.WriteAsync(http.Response, (session, token, Base64Url.EncodeToString(hmacKey), (long)client.SessionLifetime.TotalSeconds), static (w, s) =>
            {
                w.WriteStartObject();
                w.WriteString("session_id", s.session.Id);
                w.WriteString("subject_token", s.token);
                w.WriteString("hmac_key", s.Item3);
                w.WriteNumber("expires_at", s.session.ExpiresAt.ToUnixTimeSeconds());
                w.WriteNumber("expires_in", s.Item4);
                w.WriteString("subject_id", s.session.SubjectId);
                w.WriteEndObject();
            }, http.RequestAborted);
        });
    }

    /// <summary><c>DELETE /v1/sessions/current</c>, signed by the session: ends it → {id, object: "session", revoked: true}.</summary>
    public async Task EndCurrentAsync(HttpContext http)
    {
        await audit.RunAsync(new SessionAudit.Event("session.end", CorrelationId.Get(http), CurrentPath, 200, null) { Origin = OriginNames.Normalize(http.Request.Headers.Origin.ToString()) }, async scope =>
        {
            var request = http.Request;
            var body = await RequestGuards.ReadBodyAsync(request, AdminBody.MaxBytes);
            SubjectSession session;
            try
            {
                (_, session) = await sessionAuthenticator.AuthenticateAsync(request, body);
            }
            finally
            {
                request.BodyReader.AdvanceTo(body.End);
            }

            scope.Event = scope.Event with { KeyId = session.KeyId, OrgId = session.OrgId, SubjectId = session.SubjectId, Target = session.Id, AppClientId = session.AppClientId };
            await Store.RevokeSessionAsync(session.Id, timeProvider.GetUtcNow(), http.RequestAborted);
            await scope.CommitAsync();
            await WriteRevokedAsync(http, session.Id);
        });
    }

    /// <summary><c>POST /v1/sessions/{id}/revoke</c> with an API key of the session's org → {id, object: "session", revoked: true}.</summary>
    public async Task RevokeAsync(HttpContext http)
    {
        var id = http.Request.RouteValues["id"] as string ?? string.Empty;
        await audit.RunAsync(new SessionAudit.Event("session.revoke", CorrelationId.Get(http), "/v1/sessions/" + AdminErrors.Quote(id) + "/revoke", 200, null) { Target = AdminErrors.Quote(id) }, async scope =>
        {
            var caller = await RequestGuards.AuthenticateAsync(http.Request, authenticator);
            scope.Event = scope.Event with { KeyId = caller.KeyId, OrgId = caller.OrgId };
            var session = id.Length is > 0 and <= 64 ? await Store.GetSessionAsync(id, http.RequestAborted) : null;
            if (session is null || !string.Equals(session.OrgId, caller.OrgId, StringComparison.Ordinal) || caller.SessionId is not null)
            {
                throw new GatewayException(404, GatewayErrorCodes.NotFound, $"No session '{AdminErrors.Quote(id)}' in this key's org.");
            }

            scope.Event = scope.Event with { SubjectId = session.SubjectId, AppClientId = session.AppClientId };
            await Store.RevokeSessionAsync(session.Id, timeProvider.GetUtcNow(), http.RequestAborted);
            await scope.CommitAsync();
            await WriteRevokedAsync(http, session.Id);
        });
    }

    private static Task WriteRevokedAsync(HttpContext http, string id) =>
        JsonBody.WriteAsync(http.Response, id, static (w, id) =>
        {
            w.WriteStartObject();
            w.WriteString("id", id);
            w.WriteString("object", "session");
            w.WriteBoolean("revoked", true);
            w.WriteEndObject();
        }, http.RequestAborted);

    // Session material must never sit in a cache between the gateway and the browser.
    private static void NoStore(HttpResponse response) => response.Headers.CacheControl = "no-store";

    private static string? Truncated(string value) => value.Length == 0 ? null : AdminErrors.Quote(value.Length > 128 ? value[..128] : value);
}
