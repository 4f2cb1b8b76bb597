using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ThreadSync.Testing.FakeUpstreams;

/// <summary>
/// Writes <c>text/event-stream</c> events (<c>data: …\n\n</c>, optionally preceded by <c>event: name</c>) straight into
/// Kestrel's pipe and flushes each one.
/// Usage: <c>var json = sse.BeginEvent(); …write one JSON value…; await sse.EndEventAsync();</c>.
/// </summary>
internal sealed class SseWriter : IDisposable
{
    private static readonly byte[] CommentKeepAlive = ": keep-alive\n\n"u8.ToArray();

    private readonly HttpContext _context;
    private readonly PipeWriter _pipe;
    private readonly Utf8JsonWriter _json;
    private readonly int _delayMilliseconds;
    private readonly byte[]? _keepAlive;

    /// <summary>Initializes a new instance of the <see cref="SseWriter"/> class and starts the response.</summary>
    /// <param name="context">The HTTP context.</param>
    /// <param name="delayMilliseconds">The pause after each event.</param>
    /// <param name="keepAlives">Whether a <c>: keep-alive</c> comment precedes every event.</param>
    /// <param name="extraHeaders">Headers applied last (may be null).</param>
    public SseWriter(HttpContext context, int delayMilliseconds, bool keepAlives, IReadOnlyDictionary<string, string>? extraHeaders)
        : this(context, delayMilliseconds, keepAlives ? CommentKeepAlive : null, extraHeaders)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SseWriter"/> class and starts the response.</summary>
    /// <param name="context">The HTTP context.</param>
    /// <param name="delayMilliseconds">The pause after each event.</param>
    /// <param name="keepAliveFrame">Bytes written before every event (a whole keep-alive frame), or null for none.</param>
    /// <param name="extraHeaders">Headers applied last (may be null).</param>
    public SseWriter(HttpContext context, int delayMilliseconds, byte[]? keepAliveFrame, IReadOnlyDictionary<string, string>? extraHeaders)
    {
        _context = context;
        _delayMilliseconds = delayMilliseconds;
        _keepAlive = keepAliveFrame;
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
        WriteKeepAlive();
        _pipe.Write("data: "u8);
        return _json;
    }

    /// <summary>Starts an <c>event: &lt;name&gt;</c> + <c>data:</c> event and returns the writer for its JSON value.</summary>
    /// <param name="eventName">The event name (ASCII).</param>
    /// <returns>The JSON writer.</returns>
    public Utf8JsonWriter BeginEvent(string eventName)
    {
        WriteKeepAlive();
        _pipe.Write("event: "u8);
        Encoding.UTF8.GetBytes(eventName, _pipe);
        _pipe.Write("\ndata: "u8);
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
        WriteKeepAlive();
        _pipe.Write("data: [DONE]\n\n"u8);
        await FlushAsync();
    }

    /// <inheritdoc />
    public void Dispose() => _json.Dispose();

    private void WriteKeepAlive()
    {
        if (_keepAlive is not null)
        {
            _pipe.Write(_keepAlive);
        }
    }

    private async ValueTask FlushAsync()
    {
        var result = await _pipe.FlushAsync(_context.RequestAborted);
        if (result.IsCanceled || result.IsCompleted)
        {
            throw new OperationCanceledException("The client went away.");
        }
    }
}
