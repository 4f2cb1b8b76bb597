using System.Text.Encodings.Web;
using System.Text.Json;

namespace ThreadSync.Testing.FakeUpstreams;

/// <summary>Shared JSON writer settings: compact, UTF-8, no HTML escaping (like the real providers).</summary>
internal static class WireJson
{
    internal const string JsonContentType = "application/json";

    internal const string EventStreamContentType = "text/event-stream";

    internal static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };
}
