using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using ThreadSync.Gateway;
using ThreadSync.Gateway.Storage;

namespace ThreadSync.Hosting.Idempotency;

/// <summary>The <c>Idempotency-Key</c> request header, the replay marker, and what identifies a request under a key.</summary>
internal static class IdempotencyHeaders
{
    /// <summary>The request header carrying the client's idempotency key.</summary>
    public const string Key = "Idempotency-Key";

    /// <summary>The response header marking a replayed response (<c>true</c>).</summary>
    public const string Replayed = "Idempotent-Replayed";

    /// <summary>OpenAI's and Anthropic's retry hint, honoured by their SDKs: set on idempotency refusals.</summary>
    public const string ShouldRetry = "x-should-retry";

    /// <summary>Reads and checks the key: 1 to 255 printable ASCII characters, sent once.</summary>
    /// <exception cref="GatewayException">400 <c>invalid_parameter</c>: the header is empty, too long, repeated or not printable ASCII.</exception>
    public static string Read(HttpRequest request)
    {
        var values = request.Headers[Key];
        if (values.Count != 1 || values[0] is not { Length: > 0 and <= IdempotencyClaim.MaxKeyLength } key || key.AsSpan().ContainsAnyExceptInRange(' ', '~'))
        {
            throw new GatewayException(
                400,
                GatewayErrorCodes.InvalidParameter,
                $"The {Key} header must be sent once, with 1 to {IdempotencyClaim.MaxKeyLength} printable ASCII characters.",
                param: Key);
        }

        return key;
    }

    /// <summary>The request's fingerprint: SHA-256 over its method, path, conversation header (when sent) and body bytes.</summary>
    public static byte[] Fingerprint(HttpRequest request, in ReadOnlySequence<byte> body)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AppendText(hash, request.Method);
        hash.AppendData("\n"u8);
        AppendText(hash, request.PathBase.HasValue ? request.PathBase.Value + request.Path.Value : request.Path.Value ?? string.Empty);
        hash.AppendData("\n"u8);

        // The conversation header changes what the request means as much as its body does (it selects the history).
        if (request.Headers.TryGetValue(Http.ConversationHeader.Name, out var conversation) && conversation.Count > 0)
        {
            AppendText(hash, Http.ConversationHeader.Name + ": " + conversation.ToString() + "\n");
        }

        foreach (var segment in body)
        {
            hash.AppendData(segment.Span);
        }

        var fingerprint = new byte[IdempotencyClaim.FingerprintLength];
        hash.GetHashAndReset(fingerprint);
        return fingerprint;
    }

    /// <summary>
    /// Whether a response header is stored with the response and replayed: everything but what belongs to one exchange
    /// (the request ids, date and server, framing, cookies) and the rate-limit state (a replay is not counted).
    /// </summary>
    public static bool IsReplayable(string name) =>
        !(name.Equals(Http.CorrelationId.HeaderName, StringComparison.OrdinalIgnoreCase)
            || name.Equals(Http.AnthropicErrors.RequestIdHeader, StringComparison.OrdinalIgnoreCase)
            || name.Equals(HeaderNames.Date, StringComparison.OrdinalIgnoreCase)
            || name.Equals(HeaderNames.Server, StringComparison.OrdinalIgnoreCase)
            || name.Equals(HeaderNames.ContentLength, StringComparison.OrdinalIgnoreCase)
            || name.Equals(HeaderNames.TransferEncoding, StringComparison.OrdinalIgnoreCase)
            || name.Equals(HeaderNames.Connection, StringComparison.OrdinalIgnoreCase)
            || name.Equals(HeaderNames.KeepAlive, StringComparison.OrdinalIgnoreCase)
            || name.Equals(HeaderNames.SetCookie, StringComparison.OrdinalIgnoreCase)
            || name.Equals(Replayed, StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("x-ratelimit-", StringComparison.OrdinalIgnoreCase));

    private static void AppendText(IncrementalHash hash, string text)
    {
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = null;
        var buffer = max <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            hash.AppendData(buffer[..Encoding.UTF8.GetBytes(text, buffer)]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
