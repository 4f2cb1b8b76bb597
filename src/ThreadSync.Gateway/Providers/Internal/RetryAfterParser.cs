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

    private static TimeSpan? Trust(TimeSpan value) => value >= TimeSpan.Zero && value <= MaxTrusted ? value : null;
}
