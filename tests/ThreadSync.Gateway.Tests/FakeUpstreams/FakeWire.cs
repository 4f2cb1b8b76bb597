using System.Text;
using System.Text.Json;

namespace ThreadSync.Gateway.Tests.FakeUpstreams;

/// <summary>Raw HTTP helpers for the wire-level self-tests of the fake upstreams.</summary>
internal static class FakeWire
{
    public static HttpClient NewClient() => new() { Timeout = TimeSpan.FromSeconds(30) };

    public static async Task<HttpResponseMessage> PostAsync(HttpClient http, Uri url, string json, IReadOnlyDictionary<string, string> headers, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        foreach (var header in headers)
        {
            request.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>Splits an SSE body into events (separator <c>\n\n</c> or <c>\r\n\r\n</c>), keeping comment-only events as <c>Comment</c>.</summary>
    public static List<SseEvent> ParseSse(string body)
    {
        var events = new List<SseEvent>();
        var normalized = body.Replace("\r\n", "\n", StringComparison.Ordinal);
        foreach (var block in normalized.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            string? name = null;
            string? comment = null;
            var data = new StringBuilder();
            foreach (var line in block.Split('\n'))
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    name = line["event: ".Length..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    data.Append(line["data: ".Length..]);
                }
                else if (line.StartsWith(':'))
                {
                    comment = line;
                }
            }

            events.Add(new SseEvent(name, data.Length > 0 ? data.ToString() : null, comment));
        }

        return events;
    }

    /// <summary>Reads a body that is expected to be cut off; returns what arrived and whether it failed.</summary>
    public static async Task<(string Received, bool Failed)> ReadUntilDropAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var received = new StringBuilder();
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                received.Append(Encoding.UTF8.GetString(buffer, 0, read));
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            return (received.ToString(), true);
        }

        return (received.ToString(), false);
    }
}
