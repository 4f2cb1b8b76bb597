using System.Text.Json;
using System.Text.Json.Serialization;

namespace ThreadSync.Hosting.Endpoints.OpenAI.Wire;

/// <summary>An inbound OpenAI Chat Completions request. Polymorphic fields stay <see cref="JsonElement"/>.</summary>
internal sealed class ChatCompletionRequest
{
    public string? Model { get; set; }

    /// <summary>Gets or sets ThreadSync's extension: let the gateway choose the model.</summary>
    public bool? AutoRoute { get; set; }

    /// <summary>Gets or sets ThreadSync's extension: the conversation whose history the gateway keeps and prepends.</summary>
    public string? ConversationId { get; set; }

    public List<RequestMessage>? Messages { get; set; }

    public int? MaxTokens { get; set; }

    public int? MaxCompletionTokens { get; set; }

    public float? Temperature { get; set; }

    public float? TopP { get; set; }

    public JsonElement? Stop { get; set; }

    public bool? Stream { get; set; }

    public RequestStreamOptions? StreamOptions { get; set; }

    public List<RequestTool>? Tools { get; set; }

    public JsonElement? ToolChoice { get; set; }

    public bool? ParallelToolCalls { get; set; }

    public JsonElement? ResponseFormat { get; set; }

    public long? Seed { get; set; }

    public float? FrequencyPenalty { get; set; }

    public float? PresencePenalty { get; set; }

    public int? N { get; set; }

    /// <summary>Every other field; provider-specific ones are passed through to providers that know them.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}
