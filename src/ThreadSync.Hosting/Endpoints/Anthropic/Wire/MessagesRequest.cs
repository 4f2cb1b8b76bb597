using System.Text.Json;

namespace ThreadSync.Hosting.Endpoints.Anthropic.Wire;

/// <summary>An inbound Anthropic Messages request. Polymorphic fields stay <see cref="JsonElement"/>; unknown fields are ignored.</summary>
internal sealed class MessagesRequest
{
    public string? Model { get; set; }

    public int? MaxTokens { get; set; }

    public List<AnthropicMessage>? Messages { get; set; }

    public JsonElement? System { get; set; }

    public float? Temperature { get; set; }

    public float? TopP { get; set; }

    public int? TopK { get; set; }

    public List<string>? StopSequences { get; set; }

    public bool? Stream { get; set; }

    public List<AnthropicTool>? Tools { get; set; }

    public AnthropicToolChoice? ToolChoice { get; set; }

    public AnthropicMetadata? Metadata { get; set; }

    public JsonElement? Thinking { get; set; }

    public JsonElement? OutputConfig { get; set; }

    public JsonElement? ServiceTier { get; set; }

    public JsonElement? ContextManagement { get; set; }

    /// <summary>Gets or sets Anthropic-hosted MCP servers, which the gateway cannot offer (refused when not empty).</summary>
    public JsonElement? McpServers { get; set; }
}
