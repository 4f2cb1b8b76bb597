using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ThreadSync.Hosting.Serialization;

namespace ThreadSync.Hosting.Http;

/// <summary>Writes a whole JSON response body straight to the response pipe.</summary>
internal static class JsonBody
{
    public static async Task WriteAsync<TState>(HttpResponse response, TState state, Action<Utf8JsonWriter, TState> write, CancellationToken cancellationToken)
    {
        response.ContentType = "application/json";
        using var writer = new Utf8JsonWriter(response.BodyWriter, HostingJson.WriterOptions);
        write(writer, state);
        await writer.FlushAsync(cancellationToken);
    }
}
