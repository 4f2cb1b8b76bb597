using System.Text.Json;

namespace ThreadSync.Hosting.Endpoints.Anthropic.Wire;

/// <summary><c>metadata</c>: only <c>user_id</c> is read (passed on as the end-user id).</summary>
internal sealed class AnthropicMetadata
{
    public JsonElement? UserId { get; set; }
}
