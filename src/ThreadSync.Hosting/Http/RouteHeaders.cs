using System.Globalization;
using Microsoft.AspNetCore.Http;
using ThreadSync.Gateway;

namespace ThreadSync.Hosting.Http;

/// <summary>
/// Response headers that say how a request was routed, on every successful inference response (streams included), so
/// clients of any shape (OpenAI, Anthropic, normalized) can see the route without parsing the body.
/// </summary>
internal static class RouteHeaders
{
    /// <summary><c>pinned</c>, <c>heuristic</c>, <c>auto_router</c> or <c>fallback</c>.</summary>
    public const string RouteMethod = "x-threadsync-route-method";

    /// <summary>Why that model: short ASCII, for example <c>intent=code; strategy=cost; chose=gpt-5.4-mini</c>.</summary>
    public const string RouteReason = "x-threadsync-route-reason";

    /// <summary>The catalog model that served the request.</summary>
    public const string Model = "x-threadsync-model";

    /// <summary>The provider that served the request.</summary>
    public const string Provider = "x-threadsync-provider";

    /// <summary>The retired model the caller named, when its replacement served the request.</summary>
    public const string RemappedFrom = "x-threadsync-model-remapped-from";

    /// <summary>How many upstream calls the request made, retries and fallbacks included (each may be billed by the provider).</summary>
    public const string Attempts = "x-threadsync-attempts";

    public static void Write(HttpResponse response, GatewayRequestContext context)
    {
        var headers = response.Headers;
        if (context.RouteMethod is { } method)
        {
            headers[RouteMethod] = method;
        }

        if (context.RouteReason is { } reason)
        {
            headers[RouteReason] = HeaderSafe(reason);
        }

        if (context.Model is { } model)
        {
            headers[Model] = HeaderSafe(model.Id);
            headers[Provider] = model.Provider.ToWireId();
        }

        if (context.RemappedFrom is { } remappedFrom)
        {
            headers[RemappedFrom] = HeaderSafe(remappedFrom);
        }

        var calls = 1;
        foreach (var attempt in context.FailedAttempts)
        {
            if (attempt.ReachedProvider)
            {
                calls++;
            }
        }

        headers[Attempts] = calls == 1 ? "1" : calls.ToString(CultureInfo.InvariantCulture);
        RateLimitHeaders.Write(headers, context.Quota);
        ConversationHeader.Write(headers, context);
    }

    /// <summary>Keeps printable ASCII only: a header value must never carry a line break, and ids from a user catalog are not trusted.</summary>
    private static string HeaderSafe(string value)
    {
        foreach (var c in value)
        {
            if (c is < ' ' or > '~')
            {
                return string.Create(value.Length, value, static (span, source) =>
                {
                    for (var i = 0; i < source.Length; i++)
                    {
                        span[i] = source[i] is < ' ' or > '~' ? '?' : source[i];
                    }
                });
            }
        }

        return value;
    }
}
