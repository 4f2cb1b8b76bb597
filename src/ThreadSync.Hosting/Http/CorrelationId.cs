using Microsoft.AspNetCore.Http;
using ThreadSync.Gateway;

namespace ThreadSync.Hosting.Http;

/// <summary>The per-request correlation id, sent to every client as <c>x-request-id</c>.</summary>
internal static class CorrelationId
{
    public const string HeaderName = "x-request-id";

    private static readonly object ItemKey = new();

    public static string Get(HttpContext context)
    {
        if (context.Items.TryGetValue(ItemKey, out var value) && value is string id)
        {
            return id;
        }

        id = GatewayRequestContext.NewCorrelationId();
        context.Items[ItemKey] = id;
        context.Response.Headers[HeaderName] = id;
        return id;
    }
}
