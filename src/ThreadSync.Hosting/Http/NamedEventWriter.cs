using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using ThreadSync.Hosting.Serialization;

namespace ThreadSync.Hosting.Http;

/// <summary>
/// Writes server-sent events with a name, <c>event: &lt;name&gt;\ndata: &lt;json&gt;\n\n</c>, straight to the response
/// pipe. Call <see cref="Begin"/>, write one JSON value with the returned writer, then <see cref="End"/>.
/// </summary>
internal sealed class NamedEventWriter
{
    private readonly PipeWriter _pipe;
    private readonly Utf8JsonWriter _json;

    public NamedEventWriter(PipeWriter pipe)
    {
        _pipe = pipe;
        _json = new Utf8JsonWriter(pipe, HostingJson.WriterOptions);
    }

    /// <summary>Sets the headers of an event stream that proxies must not buffer.</summary>
    public static void PrepareResponse(Microsoft.AspNetCore.Http.HttpResponse response)
    {
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
    }

    public Utf8JsonWriter Begin(ReadOnlySpan<byte> eventName)
    {
        _pipe.Write("event: "u8);
        _pipe.Write(eventName);
        _pipe.Write("\ndata: "u8);
        _json.Reset(_pipe);
        return _json;
    }

    public void End()
    {
        _json.Flush();
        _pipe.Write("\n\n"u8);
    }

    public ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken) => _pipe.FlushAsync(cancellationToken);
}
