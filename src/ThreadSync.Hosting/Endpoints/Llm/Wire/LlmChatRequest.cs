using System.Text.Json;

namespace ThreadSync.Hosting.Endpoints.Llm.Wire;

/// <summary>An inbound <c>POST /api/v1/llm/chat</c> request (snake_case). Polymorphic fields stay <see cref="JsonElement"/>.</summary>
internal sealed class LlmChatRequest
{
    public List<LlmMessage>? Messages { get; set; }

    public string? System { get; set; }

    public string? Model { get; set; }

    public bool? AutoRoute { get; set; }

    public int? MaxTokens { get; set; }

    public float? Temperature { get; set; }

    public string? ConversationId { get; set; }

    public bool? Stream { get; set; }

    public List<LlmTool>? Tools { get; set; }

    public JsonElement? ToolChoice { get; set; }

    public JsonElement? Stop { get; set; }
}
