using System.Net;
using System.Text;
using System.Text.Json;

namespace ThreadSync.Hosting.Tests.Idempotency;

/// <summary>A whole response, read: status, the headers the tests look at, and every body byte.</summary>
public sealed record IdempotentReply(HttpStatusCode Status, byte[] Body, bool Replayed, string? ContentType, string? Model, string? ShouldRetry, string? RequestId)
{
    public string Text => Encoding.UTF8.GetString(Body);

    /// <summary>Gets the error code of an OpenAI-shaped (<c>error.code</c>) or Anthropic-shaped (<c>error.details.error_code</c>) error.</summary>
    public string? ErrorCode
    {
        get
        {
            using var json = JsonDocument.Parse(Body);
            var error = json.RootElement.GetProperty("error");
            return error.TryGetProperty("code", out var code) ? code.GetString() : error.GetProperty("details").GetProperty("error_code").GetString();
        }
    }
}
