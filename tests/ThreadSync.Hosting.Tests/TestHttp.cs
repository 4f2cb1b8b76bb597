using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ThreadSync.Hosting.Tests;

/// <summary>Raw HTTP helpers shared by the endpoint tests.</summary>
public static class TestHttp
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Posts a body; the key goes as <c>Authorization: Bearer</c>, or as <c>x-api-key</c> when <paramref name="bearer"/> is false.</summary>
    public static async Task<HttpResponseMessage> PostAsync(
        ServerUnderTest server,
        string path,
        string body,
        string? key = ServerUnderTest.ClientKey,
        bool bearer = true,
        string contentType = "application/json",
        IReadOnlyDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.BaseUrl, path)) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (key is not null)
        {
            if (bearer)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            }
            else
            {
                request.Headers.Add("x-api-key", key);
            }
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.Add(name, value);
        }

        return await server.Http.SendAsync(request, Ct);
    }

    /// <summary>Reads a response header that must be present (values joined with commas).</summary>
    public static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : throw new Xunit.Sdk.XunitException($"missing header {name}");

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;

    /// <summary>Reads a whole stream of named events (<c>event: x\ndata: {…}\n\n</c>); every event must have both lines.</summary>
    public static async Task<List<NamedEvent>> ReadNamedEventsAsync(HttpResponseMessage response)
    {
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync(Ct);
        var events = new List<NamedEvent>();
        foreach (var block in text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = block.Split('\n');
            Assert.Equal(2, lines.Length);
            Assert.StartsWith("event: ", lines[0], StringComparison.Ordinal);
            Assert.StartsWith("data: ", lines[1], StringComparison.Ordinal);
            events.Add(new NamedEvent(lines[0]["event: ".Length..], JsonDocument.Parse(lines[1]["data: ".Length..]).RootElement));
        }

        return events;
    }
}
