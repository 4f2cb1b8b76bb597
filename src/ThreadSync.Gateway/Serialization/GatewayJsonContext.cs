using System.Text.Json.Serialization;
using ThreadSync.Gateway.Catalog.Internal;
using ThreadSync.Gateway.Providers.Anthropic.Wire;
using ThreadSync.Gateway.Providers.OpenAICompatible.Wire;

namespace ThreadSync.Gateway.Serialization;

/// <summary>Source-generated JSON metadata for every wire and file type the Gateway reads.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]

// Catalog
[JsonSerializable(typeof(CatalogFile))]
[JsonSerializable(typeof(CatalogOptions))]

// OpenAI-compatible providers
[JsonSerializable(typeof(ChatCompletionPayload))]

// Anthropic
[JsonSerializable(typeof(AnthropicMessagePayload))]
[JsonSerializable(typeof(AnthropicStreamEventPayload))]
internal sealed partial class GatewayJsonContext : JsonSerializerContext;
