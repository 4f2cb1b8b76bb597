namespace ThreadSync.Gateway.Storage;

/// <summary>A response as the client received it, stored to be replayed byte for byte.</summary>
public sealed class IdempotentResponse
{
    /// <summary>Initializes a new instance of the <see cref="IdempotentResponse"/> class.</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="headers">The headers to replay, in order; a header sent with several values appears once per value. Names and values must not hold line breaks.</param>
    /// <param name="body">The body bytes (for a stream, every byte of it). The instance keeps the array: do not change it afterwards.</param>
    /// <exception cref="ArgumentNullException"><paramref name="headers"/> or <paramref name="body"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A header name is empty, or a name or value holds a line break.</exception>
    public IdempotentResponse(int statusCode, IReadOnlyList<KeyValuePair<string, string>> headers, byte[] body)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 999);
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(body);
        foreach (var (name, value) in headers)
        {
            if (string.IsNullOrEmpty(name) || name.AsSpan().IndexOfAny('\r', '\n', ':') >= 0 || value is null || value.AsSpan().IndexOfAny('\r', '\n') >= 0)
            {
                throw new ArgumentException("Header names must be non-empty and without ':'; names and values must not hold line breaks.", nameof(headers));
            }
        }

        StatusCode = statusCode;
        Headers = headers;
        BodyArray = body;
    }

    /// <summary>Gets the HTTP status.</summary>
    public int StatusCode { get; }

    /// <summary>Gets the headers to replay, in order (one entry per value).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>Gets the body bytes.</summary>
    public ReadOnlyMemory<byte> Body => BodyArray;

    /// <summary>Gets the body array, shared with the stores (never changed).</summary>
    internal byte[] BodyArray { get; }
}
