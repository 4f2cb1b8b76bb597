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

    /// <summary>Writes an SSE comment line, which event-stream clients ignore (a keep-alive).</summary>
    public void Comment(ReadOnlySpan<byte> text)
    {
        _pipe.Write(": "u8);
        _pipe.Write(text);
        _pipe.Write("\n\n"u8);
    }

    /// <summary>Sends what was written; when the client has gone, stops the answer rather than keep pulling tokens for nobody.</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        var result = await _pipe.FlushAsync(cancellationToken);
        if (result.IsCompleted || result.IsCanceled)
        {
            throw new OperationCanceledException("The client disconnected.");
        }
    }
}
