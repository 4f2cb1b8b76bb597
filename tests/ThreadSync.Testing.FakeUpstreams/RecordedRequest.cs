using System.Text;
using System.Text.Json;

namespace ThreadSync.Testing.FakeUpstreams;

/// <summary>One request a <see cref="FakeProviderServer"/> received (recorded before any validation).</summary>
public sealed class RecordedRequest
{
    private readonly byte[] _body;
    private string? _bodyText;
    private JsonDocument? _document;

    internal RecordedRequest(string method, string path, string queryString, IReadOnlyDictionary<string, string> headers, byte[] body)
    {
        Method = method;
        Path = path;
        QueryString = queryString;
        Headers = headers;
        _body = body;
    }

    /// <summary>Gets the HTTP method, for example <c>POST</c>.</summary>
    public string Method { get; }

    /// <summary>Gets the request path, for example <c>/v1/chat/completions</c>.</summary>
    public string Path { get; }

    /// <summary>Gets the query string including its leading <c>?</c>, or an empty string.</summary>
    public string QueryString { get; }

    /// <summary>Gets the request headers (case-insensitive names; repeated headers joined with a comma).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>Gets the raw body bytes.</summary>
    public ReadOnlyMemory<byte> BodyBytes => _body;

    /// <summary>Gets the raw body text (UTF-8).</summary>
    public string Body => _bodyText ??= Encoding.UTF8.GetString(_body);

    /// <summary>Gets the parsed body.</summary>
    /// <exception cref="JsonException">The body is not JSON.</exception>
    public JsonElement Json
    {
        get
        {
            var document = Volatile.Read(ref _document);
            if (document is null)
            {
                var parsed = JsonDocument.Parse(_body);
                document = Interlocked.CompareExchange(ref _document, parsed, null) ?? parsed;
                if (!ReferenceEquals(document, parsed))
                {
                    parsed.Dispose();
                }
            }

            return document.RootElement;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Method} {Path}{QueryString}";
}
