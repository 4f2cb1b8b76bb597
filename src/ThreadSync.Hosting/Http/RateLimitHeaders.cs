using System.Globalization;
using Microsoft.AspNetCore.Http;
using ThreadSync.Gateway.Storage;

namespace ThreadSync.Hosting.Http;

/// <summary>
/// OpenAI's rate-limit headers, from the tightest of the caller's key, team and org limits: on every governed
/// response, and on the 429 and 402 refusals. Resets are durations as OpenAI writes them (<c>17s</c>, <c>6m0s</c>).
/// </summary>
internal static class RateLimitHeaders
{
    public const string LimitRequests = "x-ratelimit-limit-requests";
    public const string RemainingRequests = "x-ratelimit-remaining-requests";
    public const string ResetRequests = "x-ratelimit-reset-requests";
    public const string LimitTokens = "x-ratelimit-limit-tokens";
    public const string RemainingTokens = "x-ratelimit-remaining-tokens";
    public const string ResetTokens = "x-ratelimit-reset-tokens";

    public static void Write(IHeaderDictionary headers, QuotaDecision? quota)
    {
        if (quota?.Requests is { } requests)
        {
            headers[LimitRequests] = requests.Limit.ToString(CultureInfo.InvariantCulture);
            headers[RemainingRequests] = Math.Max(0, requests.Remaining).ToString(CultureInfo.InvariantCulture);
            headers[ResetRequests] = Duration(requests.Reset);
        }

        if (quota?.Tokens is { } tokens)
        {
            headers[LimitTokens] = tokens.Limit.ToString(CultureInfo.InvariantCulture);
            headers[RemainingTokens] = Math.Max(0, tokens.Remaining).ToString(CultureInfo.InvariantCulture);
            headers[ResetTokens] = Duration(tokens.Reset);
        }
    }

    private static string Duration(TimeSpan value)
    {
        var seconds = Math.Max(0, (long)Math.Ceiling(value.TotalSeconds));
        return seconds < 60
            ? seconds.ToString(CultureInfo.InvariantCulture) + "s"
            : (seconds / 60).ToString(CultureInfo.InvariantCulture) + "m" + (seconds % 60).ToString(CultureInfo.InvariantCulture) + "s";
    }
}
