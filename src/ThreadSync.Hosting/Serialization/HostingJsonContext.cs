using System.Text.Json.Serialization;
using ThreadSync.Hosting.Endpoints.Anthropic.Wire;
using ThreadSync.Hosting.Endpoints.Llm.Wire;
using ThreadSync.Hosting.Endpoints.OpenAI.Wire;

namespace ThreadSync.Hosting.Serialization;

/// <summary>Source-generated JSON metadata for the inbound wire types of the HTTP endpoints.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ChatCompletionRequest))]
[JsonSerializable(typeof(LlmChatRequest))]
[JsonSerializable(typeof(MessagesRequest))]
internal sealed partial class HostingJsonContext : JsonSerializerContext;
