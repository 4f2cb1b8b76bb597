using System.Buffers;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using ThreadSync.Gateway;
using ThreadSync.Gateway.Governance;
using ThreadSync.Gateway.Storage;
using ThreadSync.Hosting.Http;

namespace ThreadSync.Hosting.Sessions;

/// <summary>
/// Authenticates a signed request from a browser session: the subject token names a live session of a live app
/// client; the request comes from the session's origin; its timestamp is fresh; its HMAC-SHA256 signature covers its
/// method, path, timestamp, nonce and body; and its nonce was never used (across instances). Every refusal is a 401
/// (403 for the origin) with a code naming the check, noted for the request's audit record.
/// </summary>
internal sealed class SessionRequestAuthenticator(
    GatewayStores stores,
    IGatewaySessionAuthenticator sessions,
    IOptions<ThreadSyncSessionOptions> options,
    TimeProvider timeProvider)
{
    /// <summary>Whether the request presents a browser session (rather than an API key).</summary>
    public static bool Presents(HttpRequest request) => request.Headers.ContainsKey(SessionHeaders.Token);

    /// <summary>Authenticates the signed request whose body is <paramref name="body"/>.</summary>
    /// <exception cref="GatewayException">A check failed.</exception>
    public async ValueTask<(GatewayCaller Caller, SubjectSession Session)> AuthenticateAsync(HttpRequest request, ReadOnlySequence<byte> body)
    {
        var audit = InferenceAudit.Of(request.HttpContext);
        var headers = request.Headers;
        var token = headers[SessionHeaders.Token].ToString();
        var cancellationToken = request.HttpContext.RequestAborted;
        var session = token.Length is > 0 and <= 256 ? await stores.Sessions.FindSessionAsync(GatewayKeys.Hash(token), cancellationToken) : null;
        if (session is null)
        {
            throw Refuse(audit, null, 401, GatewayErrorCodes.SessionInvalid, "The session token is not valid. Exchange a new share code for a session.");
        }

        var now = timeProvider.GetUtcNow();
        if (session.RevokedAt is not null)
        {
            throw Refuse(audit, session, 401, GatewayErrorCodes.SessionRevoked, "The session was ended or revoked. Exchange a new share code for a session.");
        }

        if (now >= session.ExpiresAt)
        {
            throw Refuse(audit, session, 401, GatewayErrorCodes.SessionExpired, "The session has expired. Exchange a new share code for a session.");
        }

        var client = await stores.Sessions.GetAppClientAsync(session.AppClientId, cancellationToken);
        if (client is null || client.RevokedAt is not null)
        {
            throw Refuse(audit, session, 401, GatewayErrorCodes.SessionRevoked, "The session's app client was revoked.");
        }

        var origin = OriginNames.Normalize(headers.Origin.ToString());
        if (origin is null || !string.Equals(origin, session.Origin, StringComparison.Ordinal) || !client.AllowedOrigins.Contains(origin))
        {
            throw Refuse(audit, session, 403, GatewayErrorCodes.OriginNotAllowed, "Signed requests must come from the origin the session was opened on ('Origin' header), and the app client must still allow it.");
        }

        var timestampText = headers[SessionHeaders.Timestamp].ToString();
        var nonce = headers[SessionHeaders.Nonce].ToString();
        var signature = headers[SessionHeaders.Signature].ToString();
        if (!long.TryParse(timestampText, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp) || !SessionCrypto.IsNonce(nonce) || signature.Length == 0)
        {
            throw Refuse(
                audit,
                session,
                401,
                GatewayErrorCodes.SignatureInvalid,
                $"Signed requests need '{SessionHeaders.Timestamp}' (unix seconds), '{SessionHeaders.Nonce}' (22-128 characters of base64url) and '{SessionHeaders.Signature}'.");
        }

        var window = options.Value.SignatureWindow;
        var signedAt = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(timestamp, 0, 253_402_300_799));
        if (signedAt < now - window || signedAt > now + window)
        {
            throw Refuse(audit, session, 401, GatewayErrorCodes.SignatureExpired, $"The request's timestamp is more than {window.TotalSeconds:0} seconds from the gateway's clock: sign it again now.");
        }

        var pathAndQuery = request.PathBase.Add(request.Path).ToUriComponent() + request.QueryString.ToUriComponent();
        if (!SessionCrypto.SignatureMatches(session.HmacKey, request.Method, pathAndQuery, timestampText, nonce, body, signature))
        {
            throw Refuse(audit, session, 401, GatewayErrorCodes.SignatureInvalid, "The request's signature does not match its method, path, timestamp, nonce and body.");
        }

        // Only a correctly signed request spends its nonce, so nobody else can burn a session's nonces.
        if (!await stores.Sessions.TryUseNonceAsync(session.Id, nonce, signedAt + window, cancellationToken))
        {
            throw Refuse(audit, session, 401, GatewayErrorCodes.NonceReused, "The request's nonce was used before: every signed request needs a new one.");
        }

        var caller = await sessions.AuthenticateSessionAsync(session, client, cancellationToken)
            ?? throw Refuse(audit, session, 401, GatewayErrorCodes.SessionRevoked, "The key that opened the session was revoked.");
        return (caller, session);
    }

    private static GatewayException Refuse(InferenceAudit? audit, SubjectSession? session, int status, string code, string message)
    {
        audit?.SessionRefused(code, session);
        return new GatewayException(status, code, message);
    }
}
