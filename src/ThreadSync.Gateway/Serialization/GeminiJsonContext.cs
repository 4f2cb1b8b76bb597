using System.Text.Json.Serialization;
using ThreadSync.Gateway.Providers.Gemini.Wire;

namespace ThreadSync.Gateway.Serialization;

/// <summary>Source-generated JSON metadata for Gemini's wire types, which are camelCase where the other providers use snake_case.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(GeminiResponsePayload))]
internal sealed partial class GeminiJsonContext : JsonSerializerContext;
