using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ThreadSync.Testing.FakeUpstreams;

/// <summary>
/// Writes Gemini <c>streamGenerateContent</c> chunks straight into Kestrel's pipe, flushing each one. With <c>alt=sse</c>:
/// <c>data: &lt;json&gt;\r\n\r\n</c> events (optionally preceded by <c>: keep-alive\r\n\r\n</c>), no terminator. Without it:
/// one JSON array streamed element by element (<c>[{…},\r\n{…}]</c>).
/// Usage: <c>var json = writer.BeginChunk(); …write one JSON value…; await writer.EndChunkAsync();</c>, then <see cref="CompleteAsync"/>.
/// </summary>
internal sealed class GeminiChunkWriter : IDisposable
{
    private readonly HttpContext _context;
    private readonly PipeWriter _pipe;
    private readonly Utf8JsonWriter _json;
    private readonly bool _sse;
    private readonly bool _keepAlives;
    private readonly int _delayMilliseconds;
    private bool _started;

    /// <summary>Initializes a new instance of the <see cref="GeminiChunkWriter"/> class and starts the response.</summary>
    /// <param name="context">The HTTP context.</param>
    /// <param name="sse">True for <c>alt=sse</c>, false for the JSON-array form.</param>
    /// <param name="delayMilliseconds">The pause after each chunk.</param>
    /// <param name="keepAlives">Whether a keep-alive comment precedes every SSE event (ignored for the array form).</param>
    /// <param name="extraHeaders">Headers applied last (may be null).</param>
    public GeminiChunkWriter(HttpContext context, bool sse, int delayMilliseconds, bool keepAlives, IReadOnlyDictionary<string, string>? extraHeaders)
    {
        _context = context;
        _sse = sse;
        _delayMilliseconds = delayMilliseconds;
        _keepAlives = keepAlives && sse;
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = sse ? WireJson.EventStreamContentType : "application/json; charset=UTF-8";
        response.Headers.CacheControl = "no-cache";
        JsonResponse.ApplyHeaders(response, extraHeaders);
        _pipe = response.BodyWriter;
        _json = new Utf8JsonWriter(_pipe, WireJson.WriterOptions);
    }

    /// <summary>Starts a chunk and returns the writer for its JSON value.</summary>
    /// <returns>The JSON writer.</returns>
    public Utf8JsonWriter BeginChunk()
    {
        if (_sse)
        {
            if (_keepAlives)
            {
                _pipe.Write(": keep-alive\r\n\r\n"u8);
            }

            _pipe.Write("data: "u8);
        }
        else
        {
            _pipe.Write(_started ? ",\r\n"u8 : "["u8);
        }

        _started = true;
        return _json;
    }

    /// <summary>Ends the chunk, flushes it to the client and waits the configured delay.</summary>
    /// <returns>A task that completes when the chunk is sent.</returns>
    public async ValueTask EndChunkAsync()
    {
        _json.Flush();
        _json.Reset();
        if (_sse)
        {
            _pipe.Write("\r\n\r\n"u8);
        }

        await FlushAsync();
        if (_delayMilliseconds > 0)
        {
            await Task.Delay(_delayMilliseconds, _context.RequestAborted);
        }
    }

    /// <summary>Ends the stream: closes the JSON array (the SSE form just ends).</summary>
    /// <returns>A task that completes when everything is flushed.</returns>
    public async ValueTask CompleteAsync()
    {
        if (_sse)
        {
            return;
        }

        _pipe.Write(_started ? "]"u8 : "[]"u8);
        await FlushAsync();
    }

    /// <inheritdoc />
    public void Dispose() => _json.Dispose();

    private async ValueTask FlushAsync()
    {
        var result = await _pipe.FlushAsync(_context.RequestAborted);
        if (result.IsCanceled || result.IsCompleted)
        {
            throw new OperationCanceledException("The client went away.");
        }
    }
}
