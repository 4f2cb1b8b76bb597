using System.Text.RegularExpressions;

namespace ThreadSync.Gateway;

/// <summary>
/// Cleans untrusted text (provider messages, exception messages) before it may reach a client or a log: URLs (which can carry hosts, paths
/// and query-string keys) and anything shaped like a credential are replaced, and the length is capped.
/// </summary>
public static partial class SensitiveDataRedactor
{
    private const int MaxLength = 500;

    /// <summary>Returns <paramref name="text"/> with URLs and credential-like tokens replaced, on one line, at most 500 characters.</summary>
    /// <param name="text">Untrusted text, for example a provider's error message.</param>
    /// <returns>The cleaned text, or <see langword="null"/> when there is nothing left to say.</returns>
    public static string? Redact(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var cleaned = UrlPattern().Replace(text, "[url]");
        cleaned = SchemelessUrlPattern().Replace(cleaned, "[url]");
        cleaned = CredentialFieldPattern().Replace(cleaned, "$1[redacted]");
        cleaned = SecretPattern().Replace(cleaned, "[redacted]");
        cleaned = cleaned.ReplaceLineEndings(" ").Trim();
        return cleaned.Length <= MaxLength ? cleaned : cleaned[..MaxLength] + "…";
    }

    [GeneratedRegex(@"\b(?:https?|wss?)://\S+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UrlPattern();

    // A URL without its scheme: a dotted host name (or address), optionally with a port, followed by a path or query.
    [GeneratedRegex(@"\b[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)+(?::\d{1,5})?[/?]\S*", RegexOptions.CultureInvariant)]
    private static partial Regex SchemelessUrlPattern();

    // Credentials as fields: header dumps (Authorization: Basic …, x-api-key: …) and query or form parameters
    // (key=…, api_key=…, access_token=…) outside a URL.
    [GeneratedRegex(@"(\b(?:authorization|proxy-authorization|x-api-key|api-key|x-goog-api-key|cookie|set-cookie)\s*[:=]\s*|\b(?:key|api_key|apikey|access_token|token|secret|password)=)(?:(?:bearer|basic|token)\s+)?[^\s&,;""']+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CredentialFieldPattern();

    // Provider key shapes (sk-, sk-ant-, xai-, pplx-, AIza…, tsg-), bearer tokens, and long opaque tokens.
    [GeneratedRegex(@"(?:\b(?:sk|xai|pplx|tsg|key)-[A-Za-z0-9_\-\*\.]{6,}|\bAIza[0-9A-Za-z_\-]{20,}|\bBearer\s+\S+|\b[A-Za-z0-9_\-]{40,}\b)", RegexOptions.CultureInvariant)]
    private static partial Regex SecretPattern();
}
