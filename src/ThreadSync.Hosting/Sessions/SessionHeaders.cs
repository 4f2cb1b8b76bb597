namespace ThreadSync.Hosting.Sessions;

/// <summary>The headers of a signed request from a browser session.</summary>
internal static class SessionHeaders
{
    /// <summary>The subject token (<c>tss_…</c>).</summary>
    public const string Token = "x-threadsync-session";

    /// <summary>Unix seconds when the request was signed.</summary>
    public const string Timestamp = "x-threadsync-timestamp";

    /// <summary>A random value, never reused within the session (22–128 characters of base64url).</summary>
    public const string Nonce = "x-threadsync-nonce";

    /// <summary>BASE64URL(HMAC-SHA256(hmac key, canonical request)).</summary>
    public const string Signature = "x-threadsync-signature";
}
