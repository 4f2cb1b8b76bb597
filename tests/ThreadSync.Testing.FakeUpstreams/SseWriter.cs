using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ThreadSync.Testing.FakeUpstreams;

/// <summary>
/// Writes <c>text/event-stream</c> events (<c>data: …\n\n</c>) straight into Kestrel's pipe and flushes each one.
/// Usage: <c>var json = sse.BeginEvent(); …write one JSON value…; await sse.EndEventAsync();</c>.
/// </summary>
internal sealed class SseWriter : IDisposable
{
    private readonly HttpContext _context;
    private readonly PipeWriter _pipe;
    private readonly Utf8JsonWriter _json;
    private readonly int _delayMilliseconds;
    private readonly bool _keepAlives;

    public SseWriter(HttpContext context, int delayMilliseconds, bool keepAlives, IReadOnlyDictionary<string, string>? extraHeaders)
    {
        _context = context;
        _delayMilliseconds = delayMilliseconds;
        _keepAlives = keepAlives;
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = WireJson.EventStreamContentType;
        response.Headers.CacheControl = "no-cache";
        JsonResponse.ApplyHeaders(response, extraHeaders);
        _pipe = response.BodyWriter;
        _json = new Utf8JsonWriter(_pipe, WireJson.WriterOptions);
    }

    /// <summary>Starts a <c>data:</c> event and returns the writer for its JSON value.</summary>
    /// <returns>The JSON writer.</returns>
    public Utf8JsonWriter BeginEvent()
    {
        if (_keepAlives)
        {
            _pipe.Write(": keep-alive\n\n"u8);
        }

        _pipe.Write("data: "u8);
        return _json;
    }

    /// <summary>Ends the event, flushes it to the client and waits the configured delay.</summary>
    /// <returns>A task that completes when the event is sent.</returns>
    public async ValueTask EndEventAsync()
    {
        _json.Flush();
        _json.Reset();
        _pipe.Write("\n\n"u8);
        await FlushAsync();
        if (_delayMilliseconds > 0)
        {
            await Task.Delay(_delayMilliseconds, _context.RequestAborted);
        }
    }

    /// <summary>Sends <c>data: [DONE]</c>.</summary>
    /// <returns>A task that completes when it is sent.</returns>
    public async ValueTask WriteDoneAsync()
    {
        if (_keepAlives)
        {
            _pipe.Write(": keep-alive\n\n"u8);
        }

        _pipe.Write("data: [DONE]\n\n"u8);
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
