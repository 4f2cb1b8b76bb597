using System.Buffers;
using System.Text;
using System.Text.Json;

namespace ThreadSync.Gateway.Providers.Internal;

/// <summary>
/// Reads a provider's error body in any of the shapes providers use: <c>{"error":{message,type,code}}</c>
/// (OpenAI, Anthropic, Gemini, xAI; code string or number), Google's <c>{"error":{code,message,status,details}}</c>
/// with <c>RetryInfo</c> and <c>ErrorInfo</c>, xAI's flat <c>{"code","error":"…"}</c>, and FastAPI-style
/// <c>{"detail":[{msg}]}</c> (Perplexity 422).
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
        var shouldRetry = RetryAfterParser.ShouldRetry(response.Headers);
        ProviderErrorBody error = default;
        try
        {
            error = await ReadAndParseAsync(response.Content, cancellationToken).ConfigureAwait(false);
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
            errorType: error.Type,
            errorCode: error.Code,
            upstreamMessage: error.Message,
            retryAfter: retryAfter ?? error.RetryDelay,
            shouldRetry: shouldRetry);
    }

    /// <summary>
    /// Throws when a successful response or a stream event carries an error object (xAI's HTTP 200 errors, a mid-stream
    /// <c>{"error":…}</c>, Anthropic's <c>error</c> event): <see cref="ProviderFailureKind.HttpError"/> for a whole body
    /// (status 502), <see cref="ProviderFailureKind.StreamError"/> after a stream started.
    /// </summary>
    public static void ThrowIfError(GatewayProvider provider, JsonElement? error, ProviderFailureKind kind)
    {
        if (error is not { ValueKind: JsonValueKind.Object or JsonValueKind.String } element)
        {
            return;
        }

        var (message, type, code, retryDelay) = Describe(element);
        throw new ProviderException(
            provider,
            kind,
            kind == ProviderFailureKind.StreamError
                ? $"Provider '{provider.ToWireId()}' reported an error during the stream."
                : $"Provider '{provider.ToWireId()}' returned an error in a successful response.",
            statusCode: kind == ProviderFailureKind.HttpError ? 502 : null,
            errorType: type,
            errorCode: code,
            upstreamMessage: message,
            retryAfter: retryDelay);
    }

    public static ProviderErrorBody ParseBody(ReadOnlyMemory<byte> body)
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
                var described = Describe(error);
                if (described.Code is null && root.TryGetProperty("code", out var flatCode))
                {
                    described = described with { Code = ScalarText(flatCode) };
                }

                return described;
            }

            if (root.TryGetProperty("detail", out var detail))
            {
                if (detail.ValueKind == JsonValueKind.Array && detail.GetArrayLength() > 0 && detail[0].TryGetProperty("msg", out var msg))
                {
                    return new(msg.GetString(), "validation_error", null);
                }

                return new(ScalarText(detail), "validation_error", null);
            }

            if (root.TryGetProperty("message", out var bare))
            {
                return new(ScalarText(bare), null, null);
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page, say): no message worth keeping.
        }

        return default;
    }

    public static ProviderErrorBody Describe(JsonElement error)
    {
        if (error.ValueKind == JsonValueKind.String)
        {
            return new(error.GetString(), null, null);
        }

        if (error.ValueKind != JsonValueKind.Object)
        {
            return default;
        }

        string? message = error.TryGetProperty("message", out var m) ? ScalarText(m) : null;
        string? type = error.TryGetProperty("type", out var t) ? ScalarText(t) : error.TryGetProperty("status", out var s) ? ScalarText(s) : null;
        string? code = error.TryGetProperty("code", out var c) ? ScalarText(c) : null;
        TimeSpan? retryDelay = null;
        if (error.TryGetProperty("details", out var details))
        {
            if (details.ValueKind == JsonValueKind.Object && details.TryGetProperty("error_code", out var detailCode))
            {
                // Anthropic: {"details":{"error_code":"enforced_spend_limit_reached"}}.
                code = ScalarText(detailCode);
            }
            else if (details.ValueKind == JsonValueKind.Array)
            {
                // Google: [{"@type":"…RetryInfo","retryDelay":"17s"}, {"@type":"…ErrorInfo","reason":"API_KEY_INVALID"}].
                foreach (var detail in details.EnumerateArray())
                {
                    if (detail.ValueKind != JsonValueKind.Object)
                    {
                        continue;
                    }

                    if (detail.TryGetProperty("retryDelay", out var delay) && delay.ValueKind == JsonValueKind.String)
                    {
                        retryDelay = RetryAfterParser.ParseDuration(delay.GetString());
                    }

                    if (detail.TryGetProperty("reason", out var reason) && reason.ValueKind == JsonValueKind.String)
                    {
                        code = reason.GetString();
                    }
                }
            }
        }

        return new(message, type, code, retryDelay);
    }

    private static string? ScalarText(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.GetRawText(),
        _ => null,
    };

    private static async Task<ProviderErrorBody> ReadAndParseAsync(HttpContent content, CancellationToken cancellationToken)
    {
        // Error bodies are small and parsed at once; a pooled buffer keeps 429 storms from allocating 64 KiB each.
        var buffer = ArrayPool<byte>.Shared.Rent(MaxErrorBodyBytes);
        try
        {
            var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var total = 0;
                int read;
                while (total < MaxErrorBodyBytes && (read = await stream.ReadAsync(buffer.AsMemory(total, MaxErrorBodyBytes - total), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    total += read;
                }

                return ParseBody(buffer.AsMemory(0, total));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
