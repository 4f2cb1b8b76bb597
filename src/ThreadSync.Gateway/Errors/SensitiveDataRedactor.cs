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
        cleaned = SecretPattern().Replace(cleaned, "[redacted]");
        cleaned = cleaned.ReplaceLineEndings(" ").Trim();
        return cleaned.Length <= MaxLength ? cleaned : cleaned[..MaxLength] + "…";
    }

    [GeneratedRegex(@"\b(?:https?|wss?)://\S+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UrlPattern();

    // Provider key shapes (sk-, sk-ant-, xai-, pplx-, AIza…, tsg-), bearer tokens, and long opaque tokens.
    [GeneratedRegex(@"(?:\b(?:sk|xai|pplx|tsg|key)-[A-Za-z0-9_\-\*\.]{6,}|\bAIza[0-9A-Za-z_\-]{20,}|\bBearer\s+\S+|\b[A-Za-z0-9_\-]{40,}\b)", RegexOptions.CultureInvariant)]
    private static partial Regex SecretPattern();
}
