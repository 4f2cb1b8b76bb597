using System.Text.Json;
using Microsoft.Extensions.AI;
using ThreadSync.Gateway.Providers.Internal;

namespace ThreadSync.Gateway.Providers.Gemini;

/// <summary>
/// Writes a normalized request as a Gemini <c>generateContent</c> body (providers.md §3.2, §6.1), camelCase:
/// <c>systemInstruction</c>, <c>contents</c> with roles <c>user</c>/<c>model</c>, <c>generationConfig</c>, function
/// declarations and tool config. Tool results become <c>functionResponse</c> parts named after the call they answer
/// (found in the conversation by call id, since Gemini matches by name). What Gemini cannot express is refused
/// with <see cref="ProviderFailureKind.Unsupported"/>, never dropped.
/// </summary>
internal static class GeminiRequestWriter
{
    /// <summary>Key in a <see cref="FunctionCallContent"/>'s additional properties holding Gemini's <c>thoughtSignature</c>.</summary>
    public const string ThoughtSignatureKey = "gemini.thought_signature";

    /// <summary>
    /// The placeholder Google documents for function calls whose signature was lost (for example history that passed
    /// through an OpenAI-shaped client); Gemini 3 rejects function-call turns without any signature.
    /// </summary>
    public const string MissingSignaturePlaceholder = "skip_thought_signature_validator";

    /// <summary>
    /// Key in a <see cref="FunctionCallContent"/>'s additional properties marking a call id Gemini itself sent (rather
    /// than one the gateway made up); such ids go back on the call and its <c>functionResponse</c>.
    /// </summary>
    public const string ProviderCallIdKey = "gemini.provider_call_id";

    private const string FilesApiHost = "generativelanguage.googleapis.com";

    public static void Write(Utf8JsonWriter writer, ProviderTransport transport, string modelId, IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        // Thought summaries are output only; Gemini keeps its reasoning state in the signatures.
        var (systemBlocks, turns) = ConversationTurns.Build(messages, options?.Instructions, transport, static (content, _) => content is not TextReasoningContent);
        var system = ConversationTurns.JoinSystem(systemBlocks);
        var calls = new Dictionary<string, (string Name, bool ProviderId)>(StringComparer.Ordinal);

        writer.WriteStartObject();
        writer.WritePropertyName("contents");
        writer.WriteStartArray();
        foreach (var turn in turns)
        {
            writer.WriteStartObject();
            writer.WriteString("role", turn.IsAssistant ? "model" : "user");
            writer.WritePropertyName("parts");
            writer.WriteStartArray();
            foreach (var content in turn.Contents)
            {
                WritePart(writer, transport, content, turn.IsAssistant, calls);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();

        if (!string.IsNullOrEmpty(system))
        {
            writer.WritePropertyName("systemInstruction");
            writer.WriteStartObject();
            writer.WritePropertyName("parts");
            writer.WriteStartArray();
            writer.WriteStartObject();
            writer.WriteString("text", system);
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        if (options is not null)
        {
            WriteGenerationConfig(writer, transport, modelId, options);
            WriteTools(writer, transport, options);
            WritePassthrough(writer, options);
        }

        writer.WriteEndObject();
    }

    private static void WritePart(Utf8JsonWriter writer, ProviderTransport transport, AIContent content, bool model, Dictionary<string, (string Name, bool ProviderId)> calls)
    {
        switch (content)
        {
            case TextContent text:
                writer.WriteStartObject();
                writer.WriteString("text", text.Text);
                writer.WriteEndObject();
                break;
            case FunctionCallContent call when model:
                var providerId = call.AdditionalProperties?.TryGetValue(ProviderCallIdKey, out var flag) == true && flag is true;
                calls[call.CallId] = (call.Name, providerId);
                writer.WriteStartObject();
                writer.WritePropertyName("functionCall");
                writer.WriteStartObject();
                if (providerId)
                {
                    writer.WriteString("id", call.CallId);
                }

                writer.WriteString("name", call.Name);
                writer.WritePropertyName("args");
                ToolCallArguments.WriteObject(writer, call);

                writer.WriteEndObject();
                var signature = call.AdditionalProperties?.TryGetValue(ThoughtSignatureKey, out var s) == true && s is string { Length: > 0 } stored
                    ? stored
                    : MissingSignaturePlaceholder;
                writer.WriteString("thoughtSignature", signature);
                writer.WriteEndObject();
                break;
            case FunctionResultContent result when !model:
                if (ToolResults.HasNonTextParts(result))
                {
                    throw transport.Unsupported("Provider 'gemini' takes only text tool results through the gateway; images in tool results need an Anthropic model.");
                }

                if (!calls.TryGetValue(result.CallId, out var answered))
                {
                    throw transport.Unsupported($"The tool result for call '{result.CallId}' answers no tool call earlier in the conversation; provider 'gemini' needs the call to know the function name.");
                }

                writer.WriteStartObject();
                writer.WritePropertyName("functionResponse");
                writer.WriteStartObject();
                if (answered.ProviderId)
                {
                    writer.WriteString("id", result.CallId);
                }

                writer.WriteString("name", answered.Name);
                writer.WritePropertyName("response");
                WriteResponseObject(writer, result);
                writer.WriteEndObject();
                writer.WriteEndObject();
                break;
            case DataContent data when !model:
                writer.WriteStartObject();
                writer.WritePropertyName("inlineData");
                writer.WriteStartObject();
                writer.WriteString("mimeType", data.MediaType.ToLowerInvariant());
                writer.WriteString("data", data.Base64Data.Span);
                writer.WriteEndObject();
                writer.WriteEndObject();
                break;
            case UriContent uri when !model:
                if (!IsFileReference(uri.Uri) || uri.MediaType.EndsWith("/*", StringComparison.Ordinal))
                {
                    throw transport.Unsupported(
                        "Provider 'gemini' reads images and files only inline (a data: URI) or from its Files API (a generativelanguage.googleapis.com file URI with its exact media type); the gateway does not fetch web URLs on the model's behalf.");
                }

                writer.WriteStartObject();
                writer.WritePropertyName("fileData");
                writer.WriteStartObject();
                writer.WriteString("mimeType", uri.MediaType);
                writer.WriteString("fileUri", uri.Uri.AbsoluteUri);
                writer.WriteEndObject();
                writer.WriteEndObject();
                break;
            default:
                throw transport.Unsupported($"Content of type '{ContentDescription.Of(content)}' in a{(model ? "n assistant" : " user")} message is not supported by provider 'gemini'.");
        }
    }

    private static bool IsFileReference(Uri uri) =>
        uri.Scheme == "gs" || (uri.Scheme == Uri.UriSchemeHttps && uri.Host.Equals(FilesApiHost, StringComparison.OrdinalIgnoreCase));

    private static void WriteResponseObject(Utf8JsonWriter writer, FunctionResultContent result)
    {
        // Gemini needs an object: a JSON object result goes as is, anything else is wrapped.
        var text = ToolResults.ToText(result);
        if (text.Length > 1 && text[0] == '{')
        {
            try
            {
                using var document = JsonDocument.Parse(text);
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                {
                    document.RootElement.WriteTo(writer);
                    return;
                }
            }
            catch (JsonException)
            {
                // Not JSON after all: wrap it as text below.
            }
        }

        writer.WriteStartObject();
        writer.WriteString(ToolResults.IsError(result) ? "error" : "result", text);
        writer.WriteEndObject();
    }

    private static void WriteGenerationConfig(Utf8JsonWriter writer, ProviderTransport transport, string modelId, ChatOptions options)
    {
        var thinking = TryGetPassthrough(options, "thinkingConfig", "thinking_config");
        var hasConfig = options.MaxOutputTokens is not null || options.Temperature is not null || options.TopP is not null
            || options.TopK is not null || options.StopSequences is { Count: > 0 } || options.PresencePenalty is not null
            || options.FrequencyPenalty is not null || options.Seed is not null || options.ResponseFormat is ChatResponseFormatJson
            || thinking is not null || options.Reasoning?.Effort is not null;
        if (!hasConfig)
        {
            return;
        }

        writer.WritePropertyName("generationConfig");
        writer.WriteStartObject();
        if (options.MaxOutputTokens is { } maxTokens)
        {
            writer.WriteNumber("maxOutputTokens", maxTokens);
        }

        if (options.Temperature is { } temperature)
        {
            writer.WriteNumber("temperature", temperature);
        }

        if (options.TopP is { } topP)
        {
            writer.WriteNumber("topP", topP);
        }

        if (options.TopK is { } topK)
        {
            writer.WriteNumber("topK", topK);
        }

        if (options.StopSequences is { Count: > 0 } stops)
        {
            if (stops.Count > 5)
            {
                throw transport.Unsupported("Provider 'gemini' accepts at most 5 stop sequences.");
            }

            writer.WritePropertyName("stopSequences");
            writer.WriteStartArray();
            foreach (var stop in stops)
            {
                writer.WriteStringValue(stop);
            }

            writer.WriteEndArray();
        }

        if (options.PresencePenalty is { } presence)
        {
            writer.WriteNumber("presencePenalty", presence);
        }

        if (options.FrequencyPenalty is { } frequency)
        {
            writer.WriteNumber("frequencyPenalty", frequency);
        }

        if (options.Seed is { } seed)
        {
            writer.WriteNumber("seed", seed);
        }

        if (options.ResponseFormat is ChatResponseFormatJson json)
        {
            writer.WriteString("responseMimeType", "application/json");
            if (json.Schema is { } schema)
            {
                writer.WritePropertyName("responseJsonSchema");
                schema.WriteTo(writer);
            }
        }

        if (thinking is { } thinkingConfig)
        {
            writer.WritePropertyName("thinkingConfig");
            thinkingConfig.WriteTo(writer);
        }
        else if (options.Reasoning?.Effort is { } effort)
        {
            // Gemini 3 takes a thinking level (low, high); Gemini 2.5 a token budget. "none" is a zero budget on both.
            writer.WritePropertyName("thinkingConfig");
            writer.WriteStartObject();
            if (effort == ReasoningEffort.None)
            {
                writer.WriteNumber("thinkingBudget", 0);
            }
            else if (modelId.StartsWith("gemini-2", StringComparison.Ordinal))
            {
                writer.WriteNumber("thinkingBudget", effort switch { ReasoningEffort.Low => 1024, ReasoningEffort.Medium => 8192, _ => 24576 });
            }
            else
            {
                writer.WriteString("thinkingLevel", effort is ReasoningEffort.Low or ReasoningEffort.Medium ? "low" : "high");
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WriteTools(Utf8JsonWriter writer, ProviderTransport transport, ChatOptions options)
    {
        if (options.AllowMultipleToolCalls == false)
        {
            throw transport.Unsupported("Provider 'gemini' cannot be limited to one tool call per turn ('parallel_tool_calls: false').");
        }

        if (options.Tools is { Count: > 0 } tools)
        {
            writer.WritePropertyName("tools");
            writer.WriteStartArray();
            writer.WriteStartObject();
            writer.WritePropertyName("functionDeclarations");
            writer.WriteStartArray();
            foreach (var tool in tools)
            {
                if (tool is not AIFunctionDeclaration function)
                {
                    throw transport.Unsupported($"Tool '{tool.Name}' is a hosted tool, which the gateway cannot send to provider 'gemini'.");
                }

                writer.WriteStartObject();
                writer.WriteString("name", function.Name);
                if (!string.IsNullOrEmpty(function.Description))
                {
                    writer.WriteString("description", function.Description);
                }

                writer.WritePropertyName("parametersJsonSchema");
                function.JsonSchema.WriteTo(writer);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndArray();
        }

        var mode = options.ToolMode switch
        {
            AutoChatToolMode => "AUTO",
            NoneChatToolMode => "NONE",
            RequiredChatToolMode => "ANY",
            _ => null,
        };
        if (mode is null)
        {
            return;
        }

        writer.WritePropertyName("toolConfig");
        writer.WriteStartObject();
        writer.WritePropertyName("functionCallingConfig");
        writer.WriteStartObject();
        writer.WriteString("mode", mode);
        if (options.ToolMode is RequiredChatToolMode { RequiredFunctionName: { } name })
        {
            writer.WritePropertyName("allowedFunctionNames");
            writer.WriteStartArray();
            writer.WriteStringValue(name);
            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WritePassthrough(Utf8JsonWriter writer, ChatOptions options)
    {
        foreach (var (camel, snake) in (ReadOnlySpan<(string, string)>)[("safetySettings", "safety_settings"), ("cachedContent", "cached_content"), ("labels", "labels")])
        {
            if (TryGetPassthrough(options, camel, snake) is { } value)
            {
                writer.WritePropertyName(camel);
                value.WriteTo(writer);
            }
        }
    }

    private static JsonElement? TryGetPassthrough(ChatOptions options, string camelName, string snakeName)
    {
        var extra = options.AdditionalProperties;
        if (extra is null)
        {
            return null;
        }

        return (extra.TryGetValue(camelName, out var value) || extra.TryGetValue(snakeName, out value)) && value is JsonElement element ? element : null;
    }
}
