namespace ThreadSync.Gateway;

/// <summary>The stable error codes the gateway returns. Clients may branch on these; they never change meaning.</summary>
public static class GatewayErrorCodes
{
    /// <summary>No API key was presented.</summary>
    public const string MissingApiKey = "missing_api_key";

    /// <summary>The API key is not known, was revoked, or is an old secret past its rotation grace period (HTTP 401).</summary>
    public const string InvalidApiKey = "invalid_api_key";

    /// <summary>The caller's key or org policy does not allow the requested model or its provider (HTTP 403); the message names the rule.</summary>
    public const string ModelNotAllowed = "model_not_allowed";

    /// <summary>A rate limit (requests or tokens per hour) of the key, its team or its org is reached (HTTP 429, with <c>Retry-After</c> and <c>x-ratelimit-*</c>).</summary>
    public const string RateLimitExceeded = "rate_limit_exceeded";

    /// <summary>A daily or monthly budget (USD or tokens) of the key, its team or its org is exhausted (HTTP 402).</summary>
    public const string BudgetExceeded = "budget_exceeded";

    /// <summary>The body is not valid JSON or not the expected shape.</summary>
    public const string InvalidJson = "invalid_json";

    /// <summary>A required parameter is missing.</summary>
    public const string MissingParameter = "missing_required_parameter";

    /// <summary>A parameter has an invalid value.</summary>
    public const string InvalidParameter = "invalid_parameter";

    /// <summary>The request asks for something the gateway or the provider does not support.</summary>
    public const string UnsupportedParameter = "unsupported_parameter";

    /// <summary>The requested model is not in the catalog.</summary>
    public const string ModelNotFound = "model_not_found";

    /// <summary>The requested model was retired by its provider and the routing policy refuses it (HTTP 410); the message names the replacement.</summary>
    public const string ModelRetired = "model_retired";

    /// <summary>The model is known but its provider has no credentials on this gateway.</summary>
    public const string ProviderNotConfigured = "provider_not_configured";

    /// <summary>
    /// Automatic routing found no model for the request: 400 when no model the caller may use can satisfy its needs
    /// (capabilities, context size), 503 when some could but none is available right now.
    /// </summary>
    public const string NoRoute = "no_route";

    /// <summary>The request body is larger than the configured limit.</summary>
    public const string RequestTooLarge = "request_too_large";

    /// <summary>The request's content type is not JSON.</summary>
    public const string UnsupportedMediaType = "unsupported_media_type";

    /// <summary>The route exists but not for this HTTP method.</summary>
    public const string MethodNotAllowed = "method_not_allowed";

    /// <summary>No such endpoint, or (admin API) no org, team or key with the id in the path (HTTP 404).</summary>
    public const string NotFound = "not_found";

    /// <summary>
    /// The request conflicts with the current state (HTTP 409): an org or team id that is already taken, or a
    /// rotation of a revoked key (admin API).
    /// </summary>
    public const string Conflict = "conflict";

    /// <summary>
    /// The <c>Idempotency-Key</c> was already used, under the same API key, for a different request (another endpoint or
    /// body) (HTTP 422). Use a new key for a new request.
    /// </summary>
    public const string IdempotencyKeyReused = "idempotency_key_reused";

    /// <summary>
    /// A request with this <c>Idempotency-Key</c> is still running and did not finish while this one waited (HTTP 409,
    /// with <c>Retry-After</c>). Retry later to receive its result.
    /// </summary>
    public const string IdempotencyInProgress = "idempotency_in_progress";

    /// <summary>
    /// An earlier request with this <c>Idempotency-Key</c> reached a provider but its outcome is unknown (a timeout after
    /// sending, a broken connection or stream): it may have been executed and billed, so it is not run again (HTTP 409).
    /// </summary>
    public const string IdempotencyOutcomeUncertain = "idempotency_outcome_uncertain";

    /// <summary>
    /// No conversation with the id is visible to the caller: it does not exist, or belongs to another org, or to another
    /// subject and is not shared (HTTP 404). Ids are global: pick unguessable ones, or let <c>POST /v1/conversations</c> mint one.
    /// </summary>
    public const string ConversationNotFound = "conversation_not_found";

    /// <summary>The conversation is shared with the caller's org but owned by another subject: it may be read, not extended or changed (HTTP 403).</summary>
    public const string ConversationReadOnly = "conversation_read_only";

    /// <summary>The caller's org keeps no conversations (<c>conversation_capture</c> is <c>off</c>), so it has no conversation memory (HTTP 403).</summary>
    public const string ConversationsDisabled = "conversations_disabled";

    /// <summary>A browser session's subject token is unknown (HTTP 401).</summary>
    public const string SessionInvalid = "session_invalid";

    /// <summary>A browser session's lifetime is over: exchange a new share code (HTTP 401).</summary>
    public const string SessionExpired = "session_expired";

    /// <summary>A browser session was revoked (ended by the browser, its backend or an admin; or its app client or minting key was revoked) (HTTP 401).</summary>
    public const string SessionRevoked = "session_revoked";

    /// <summary>A signed request's signature is missing or does not match its method, path, timestamp, nonce and body (HTTP 401).</summary>
    public const string SignatureInvalid = "signature_invalid";

    /// <summary>A signed request's timestamp is outside the freshness window (HTTP 401).</summary>
    public const string SignatureExpired = "signature_expired";

    /// <summary>A signed request's nonce was used before: a replay (HTTP 401).</summary>
    public const string NonceReused = "nonce_reused";

    /// <summary>The request's <c>Origin</c> is not one of the app client's origins (or not the session's) (HTTP 403).</summary>
    public const string OriginNotAllowed = "origin_not_allowed";

    /// <summary>The share code is unknown or was already exchanged (share codes are single-use) (HTTP 400).</summary>
    public const string ShareCodeInvalid = "share_code_invalid";

    /// <summary>The share code's short lifetime is over (HTTP 400).</summary>
    public const string ShareCodeExpired = "share_code_expired";

    /// <summary>The <c>code_verifier</c> does not match the share code's S256 <c>code_challenge</c>; the code is spent (HTTP 400).</summary>
    public const string PkceVerificationFailed = "pkce_verification_failed";

    /// <summary>No app client with that id is available to the caller's org (HTTP 404).</summary>
    public const string AppClientNotFound = "app_client_not_found";

    /// <summary>An API key was presented from a browser (an <c>Origin</c> header) where direct browser auth is disabled: use a subject session (HTTP 403).</summary>
    public const string BrowserApiKeyRefused = "browser_api_key_refused";

    /// <summary>The provider rejected the request as invalid.</summary>
    public const string UpstreamBadRequest = "upstream_bad_request";

    /// <summary>The provider rejected the gateway's own credentials (a gateway configuration problem).</summary>
    public const string UpstreamAuthFailed = "upstream_auth_failed";

    /// <summary>The provider rate-limited the request.</summary>
    public const string UpstreamRateLimited = "upstream_rate_limited";

    /// <summary>The provider account's quota or credit is exhausted; retrying will not help.</summary>
    public const string UpstreamQuotaExhausted = "upstream_quota_exhausted";

    /// <summary>The provider is overloaded (Anthropic 529, HTTP 503): retryable after a delay (503).</summary>
    public const string UpstreamOverloaded = "upstream_overloaded";

    /// <summary>The provider failed (5xx, overloaded, malformed response, error mid-stream).</summary>
    public const string UpstreamError = "upstream_error";

    /// <summary>The provider could not be reached.</summary>
    public const string UpstreamUnavailable = "upstream_unavailable";

    /// <summary>The provider did not answer in time.</summary>
    public const string UpstreamTimeout = "upstream_timeout";

    /// <summary>An unexpected gateway failure; details are in the server log under the correlation id.</summary>
    public const string InternalError = "internal_error";
}
