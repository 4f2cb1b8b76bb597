using System.Globalization;
using System.Net.Http.Headers;

namespace ThreadSync.Gateway.Providers.Internal;

/// <summary>Reads <c>retry-after-ms</c> and <c>retry-after</c> (seconds or HTTP date), trusting only 0–60 s.</summary>
internal static class RetryAfterParser
{
    private static readonly TimeSpan MaxTrusted = TimeSpan.FromSeconds(60);

    public static TimeSpan? Parse(HttpResponseHeaders headers, DateTimeOffset now)
    {
        if (headers.TryGetValues("retry-after-ms", out var msValues)
            && double.TryParse(msValues.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var ms))
        {
            return Trust(TimeSpan.FromMilliseconds(ms));
        }

        var retryAfter = headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return Trust(delta);
        }

        if (retryAfter?.Date is { } date)
        {
            return Trust(date - now);
        }

        return null;
    }

    /// <summary>Reads <c>x-should-retry</c> (<c>true</c>/<c>false</c>), which Anthropic and OpenAI send to override the usual rule.</summary>
    public static bool? ShouldRetry(HttpResponseHeaders headers) =>
        headers.TryGetValues("x-should-retry", out var values) && bool.TryParse(values.FirstOrDefault(), out var value) ? value : null;

    /// <summary>Reads a protobuf JSON duration such as <c>17s</c> or <c>1.5s</c> (Google's <c>retryDelay</c>).</summary>
    public static TimeSpan? ParseDuration(string? text) =>
        text is { Length: > 1 } && text[^1] == 's'
            && double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            ? Trust(TimeSpan.FromSeconds(seconds))
            : null;

    private static TimeSpan? Trust(TimeSpan value) => value >= TimeSpan.Zero && value <= MaxTrusted ? value : null;
}
