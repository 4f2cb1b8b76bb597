using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ThreadSync.Testing.FakeUpstreams;

/// <summary>
/// Writes a whole JSON body with a <c>Content-Length</c>. The JSON is built in a per-thread buffer
/// (used only synchronously), so the hot path allocates nothing beyond Kestrel's own buffers.
/// </summary>
internal static class JsonResponse
{
    private const int MaxRetainedBytes = 1 << 20;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? _writer;

    /// <summary>Writes the JSON produced by <paramref name="write"/> as the response body.</summary>
    /// <typeparam name="TState">The state passed to <paramref name="write"/>.</typeparam>
    /// <param name="response">The response (not started yet).</param>
    /// <param name="status">The HTTP status.</param>
    /// <param name="state">The state.</param>
    /// <param name="write">Writes one JSON value.</param>
    /// <param name="extraHeaders">Headers applied last (may be null).</param>
    /// <returns>A task that completes when the body is flushed.</returns>
    public static Task WriteAsync<TState>(HttpResponse response, int status, TState state, Action<Utf8JsonWriter, TState> write, IReadOnlyDictionary<string, string>? extraHeaders = null)
    {
        var buffer = _buffer ??= new ArrayBufferWriter<byte>(4096);
        var writer = _writer ??= new Utf8JsonWriter(buffer, WireJson.WriterOptions);
        try
        {
            write(writer, state);
            writer.Flush();
            response.StatusCode = status;
            response.ContentType = WireJson.JsonContentType;
            response.ContentLength = buffer.WrittenCount;
            ApplyHeaders(response, extraHeaders);
            response.BodyWriter.Write(buffer.WrittenSpan);
        }
        finally
        {
            writer.Reset(buffer);
            buffer.ResetWrittenCount();
            if (buffer.Capacity > MaxRetainedBytes)
            {
                _buffer = null;
                _writer = null;
            }
        }

        return FlushAsync(response);
    }

    /// <summary>Writes a text body verbatim.</summary>
    /// <param name="response">The response (not started yet).</param>
    /// <param name="status">The HTTP status.</param>
    /// <param name="contentType">The content type; empty = none.</param>
    /// <param name="body">The body.</param>
    /// <param name="extraHeaders">Headers applied last (may be null).</param>
    /// <returns>A task that completes when the body is flushed.</returns>
    public static Task WriteRawAsync(HttpResponse response, int status, string contentType, string body, IReadOnlyDictionary<string, string>? extraHeaders)
    {
        response.StatusCode = status;
        if (contentType.Length > 0)
        {
            response.ContentType = contentType;
        }

        var bytes = Encoding.UTF8.GetBytes(body);
        response.ContentLength = bytes.Length;
        ApplyHeaders(response, extraHeaders);
        response.BodyWriter.Write(bytes);
        return FlushAsync(response);
    }

    /// <summary>Sets the headers on the response, replacing existing values.</summary>
    /// <param name="response">The response.</param>
    /// <param name="headers">The headers (may be null).</param>
    public static void ApplyHeaders(HttpResponse response, IReadOnlyDictionary<string, string>? headers)
    {
        if (headers is null)
        {
            return;
        }

        foreach (var pair in headers)
        {
            response.Headers[pair.Key] = pair.Value;
        }
    }

    private static async Task FlushAsync(HttpResponse response) => await response.BodyWriter.FlushAsync(response.HttpContext.RequestAborted);
}
