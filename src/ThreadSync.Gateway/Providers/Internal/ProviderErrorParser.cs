using System.Text;
using System.Text.Json;

namespace ThreadSync.Gateway.Providers.Internal;

/// <summary>
/// Reads a provider's error body in any of the shapes providers use: <c>{"error":{message,type,code}}</c>
/// (OpenAI, Anthropic, Gemini, xAI; code string or number), xAI's flat <c>{"code","error":"…"}</c>, and
/// FastAPI-style <c>{"detail":[{msg}]}</c> (Perplexity 422).
/// </summary>
internal static class ProviderErrorParser
{
    private const int MaxErrorBodyBytes = 64 * 1024;

    public static async Task<ProviderException> ReadAsync(
        GatewayProvider provider,
        HttpResponseMessage response,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var retryAfter = RetryAfterParser.Parse(response.Headers, timeProvider.GetUtcNow());
        string? message = null, type = null, code = null;
        try
        {
            var body = await ReadLimitedAsync(response.Content, cancellationToken).ConfigureAwait(false);
            (message, type, code) = ParseBody(body);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or JsonException or DecoderFallbackException)
        {
            // An unreadable error body still leaves a usable status.
        }

        return new ProviderException(
            provider,
            ProviderFailureKind.HttpError,
            $"Provider '{provider.ToWireId()}' answered HTTP {status}.",
            statusCode: status,
            errorType: type,
            errorCode: code,
            upstreamMessage: message,
            retryAfter: retryAfter);
    }

    public static (string? Message, string? Type, string? Code) ParseBody(ReadOnlyMemory<byte> body)
    {
        if (body.IsEmpty)
        {
            return default;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return default;
            }

            if (root.TryGetProperty("error", out var error))
            {
                var (message, type, code) = Describe(error);
                if (code is null && root.TryGetProperty("code", out var flatCode))
                {
                    code = ScalarText(flatCode);
                }

                return (message, type, code);
            }

            if (root.TryGetProperty("detail", out var detail))
            {
                if (detail.ValueKind == JsonValueKind.Array && detail.GetArrayLength() > 0 && detail[0].TryGetProperty("msg", out var msg))
                {
                    return (msg.GetString(), "validation_error", null);
                }

                return (ScalarText(detail), "validation_error", null);
            }

            if (root.TryGetProperty("message", out var bare))
            {
                return (ScalarText(bare), null, null);
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page, say): no message worth keeping.
        }

        return default;
    }

    public static (string? Message, string? Type, string? Code) Describe(JsonElement error)
    {
        if (error.ValueKind == JsonValueKind.String)
        {
            return (error.GetString(), null, null);
        }

        if (error.ValueKind != JsonValueKind.Object)
        {
            return default;
        }

        string? message = error.TryGetProperty("message", out var m) ? ScalarText(m) : null;
        string? type = error.TryGetProperty("type", out var t) ? ScalarText(t) : error.TryGetProperty("status", out var s) ? ScalarText(s) : null;
        string? code = error.TryGetProperty("code", out var c) ? ScalarText(c) : null;
        if (error.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Object
            && details.TryGetProperty("error_code", out var detailCode))
        {
            code = ScalarText(detailCode);
        }

        return (message, type, code);
    }

    private static string? ScalarText(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.GetRawText(),
        _ => null,
    };

    private static async Task<ReadOnlyMemory<byte>> ReadLimitedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[MaxErrorBodyBytes];
            var total = 0;
            int read;
            while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
            }

            return buffer.AsMemory(0, total);
        }
    }
}
