using System.Text.Encodings.Web;
using System.Text.Json;

namespace ThreadSync.Hosting.Serialization;

/// <summary>Writer settings for every JSON body sent to clients.</summary>
internal static class HostingJson
{
    /// <summary>
    /// Minimal escaping: responses are <c>application/json</c> or SSE, never HTML, so quotes and non-ASCII text
    /// are written as themselves (as the providers do) instead of as <c>\uXXXX</c>.
    /// </summary>
    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
