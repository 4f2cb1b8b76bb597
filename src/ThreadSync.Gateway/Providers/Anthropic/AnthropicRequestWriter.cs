using System.Collections.Frozen;
using System.Text.Json;
using Microsoft.Extensions.AI;
using ThreadSync.Gateway.Providers.Internal;

namespace ThreadSync.Gateway.Providers.Anthropic;

/// <summary>
/// Writes a normalized request as an Anthropic Messages body (providers.md §1.2, §6.1) straight to a
/// <see cref="Utf8JsonWriter"/>: top-level <c>system</c>, <c>max_tokens</c> always present (the model's limit when the
/// caller gave none), content blocks for text, images, documents, tool use and tool results. What Anthropic cannot
/// express is refused with <see cref="ProviderFailureKind.Unsupported"/>, never dropped.
/// </summary>
internal static class AnthropicRequestWriter
{
    /// <summary>Used when the model is not in the catalog and the caller gave no limit.</summary>
    public const int FallbackMaxTokens = 4096;

    private static readonly FrozenSet<string> ImageMediaTypes = FrozenSet.Create(StringComparer.OrdinalIgnoreCase, "image/jpeg", "image/png", "image/gif", "image/webp");

    public static void Write(
        Utf8JsonWriter writer,
        ProviderTransport transport,
        string modelId,
        ModelDescriptor? model,
        IEnumerable<ChatMessage> messages,
        ChatOptions? options,
        bool stream)
    {
        var (system, turns) = ConversationTurns.Build(messages, options?.Instructions, transport, IsSent);

        writer.WriteStartObject();
        writer.WriteString("model", modelId);
        writer.WriteNumber("max_tokens", options?.MaxOutputTokens ?? (model is { MaxOutputTokens: > 0 } ? model.MaxOutputTokens : FallbackMaxTokens));
        WriteSystem(writer, system);

        writer.WritePropertyName("messages");
        writer.WriteStartArray();
        foreach (var turn in turns)
        {
            WriteTurn(writer, transport, turn);
        }

        writer.WriteEndArray();

        if (options is not null)
        {
            WriteOptions(writer, transport, options);
        }

        if (stream)
        {
            writer.WriteBoolean("stream", true);
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// Only signed thinking can go back (Anthropic verifies it); reasoning from another provider has no signature and
    /// is history the model does not need, so it stays out rather than failing the request.
    /// </summary>
    private static bool IsSent(AIContent content, bool assistant) =>
        content is not TextReasoningContent reasoning || (assistant && !string.IsNullOrEmpty(reasoning.ProtectedData));

    private static void WriteSystem(Utf8JsonWriter writer, List<TextContent> system)
    {
        if (system.Count == 0)
        {
            return;
        }

        if (!system.Exists(static block => CacheControl(block) is not null))
        {
            writer.WriteString("system", ConversationTurns.JoinSystem(system));
            return;
        }

        // Cache breakpoints live on blocks, so the system prompt goes as blocks.
        writer.WritePropertyName("system");
        writer.WriteStartArray();
        foreach (var block in system)
        {
            writer.WriteStartObject();
            writer.WriteString("type", "text");
            writer.WriteString("text", block.Text);
            WriteCacheControl(writer, block);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static JsonElement? CacheControl(AIContent content) =>
        content.AdditionalProperties?.TryGetValue(GatewayContentKeys.AnthropicCacheControl, out var value) == true && value is JsonElement { ValueKind: JsonValueKind.Object } element
            ? element
            : null;

    private static void WriteCacheControl(Utf8JsonWriter writer, AIContent content)
    {
        if (CacheControl(content) is { } cacheControl)
        {
            writer.WritePropertyName("cache_control");
            cacheControl.WriteTo(writer);
        }
    }

    private static void WriteTurn(Utf8JsonWriter writer, ProviderTransport transport, ConversationTurn turn)
    {
        writer.WriteStartObject();
        writer.WriteString("role", turn.IsAssistant ? "assistant" : "user");
        writer.WritePropertyName("content");
        writer.WriteStartArray();
        foreach (var content in turn.Contents)
        {
            WriteBlock(writer, transport, content, turn.IsAssistant);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteBlock(Utf8JsonWriter writer, ProviderTransport transport, AIContent content, bool assistant)
    {
        switch (content)
        {
            case TextContent text:
                // Empty text, which Anthropic rejects, never gets here: ConversationTurns leaves it out.
                writer.WriteStartObject();
                writer.WriteString("type", "text");
                writer.WriteString("text", text.Text);
                WriteCacheControl(writer, text);
                writer.WriteEndObject();
                break;
            case TextReasoningContent reasoning when assistant:
                WriteThinking(writer, reasoning);
                break;
            case FunctionCallContent call when assistant:
                writer.WriteStartObject();
                writer.WriteString("type", "tool_use");
                writer.WriteString("id", call.CallId);
                writer.WriteString("name", call.Name);
                writer.WritePropertyName("input");
                ToolCallArguments.WriteObject(writer, call);
                WriteCacheControl(writer, call);
                writer.WriteEndObject();
                break;
            case FunctionResultContent result when !assistant:
                writer.WriteStartObject();
                writer.WriteString("type", "tool_result");
                writer.WriteString("tool_use_id", result.CallId);
                WriteToolResultContent(writer, transport, result);
                if (ToolResults.IsError(result))
                {
                    writer.WriteBoolean("is_error", true);
                }

                WriteCacheControl(writer, result);
                writer.WriteEndObject();
                break;
            case DataContent data when !assistant && data.HasTopLevelMediaType("image"):
                if (!ImageMediaTypes.Contains(data.MediaType))
                {
                    throw transport.Unsupported($"Image type '{data.MediaType}' is not supported by provider 'anthropic'; use JPEG, PNG, GIF or WebP.");
                }

                WriteBase64Source(writer, "image", data);
                break;
            case DataContent data when !assistant && data.MediaType.Equals("application/pdf", StringComparison.OrdinalIgnoreCase):
                WriteBase64Source(writer, "document", data);
                break;
            case UriContent uri when !assistant && (uri.HasTopLevelMediaType("image") || uri.MediaType.Equals("application/pdf", StringComparison.OrdinalIgnoreCase)):
                writer.WriteStartObject();
                writer.WriteString("type", uri.HasTopLevelMediaType("image") ? "image" : "document");
                writer.WritePropertyName("source");
                writer.WriteStartObject();
                writer.WriteString("type", "url");
                writer.WriteString("url", uri.Uri.AbsoluteUri);
                writer.WriteEndObject();
                WriteCacheControl(writer, uri);
                writer.WriteEndObject();
                break;
            default:
                throw transport.Unsupported($"Content of type '{ContentDescription.Of(content)}' in a{(assistant ? "n assistant" : " user")} message is not supported by provider 'anthropic'.");
        }
    }

    private static void WriteThinking(Utf8JsonWriter writer, TextReasoningContent reasoning)
    {
        writer.WriteStartObject();
        if (reasoning.AdditionalProperties?.TryGetValue(GatewayContentKeys.RedactedThinking, out var redacted) == true && redacted is true)
        {
            writer.WriteString("type", "redacted_thinking");
            writer.WriteString("data", reasoning.ProtectedData);
        }
        else
        {
            writer.WriteString("type", "thinking");
            writer.WriteString("thinking", reasoning.Text);
            writer.WriteString("signature", reasoning.ProtectedData);
        }

        writer.WriteEndObject();
    }

    private static void WriteBase64Source(Utf8JsonWriter writer, string type, DataContent data)
    {
        writer.WriteStartObject();
        writer.WriteString("type", type);
        writer.WritePropertyName("source");
        writer.WriteStartObject();
        writer.WriteString("type", "base64");
        writer.WriteString("media_type", data.MediaType.ToLowerInvariant());
        writer.WriteString("data", data.Base64Data.Span);
        writer.WriteEndObject();
        WriteCacheControl(writer, data);
        writer.WriteEndObject();
    }

    private static void WriteToolResultContent(Utf8JsonWriter writer, ProviderTransport transport, FunctionResultContent result)
    {
        if (result.Result is not IEnumerable<AIContent> parts)
        {
            writer.WriteString("content", ToolResults.ToText(result));
            return;
        }

        // A tool that returned text and images (a screenshot, a file viewer) keeps its blocks.
        writer.WritePropertyName("content");
        writer.WriteStartArray();
        foreach (var part in parts)
        {
            switch (part)
            {
                case TextContent { Text.Length: > 0 } text:
                    writer.WriteStartObject();
                    writer.WriteString("type", "text");
                    writer.WriteString("text", text.Text);
                    writer.WriteEndObject();
                    break;
                case DataContent data when data.HasTopLevelMediaType("image") && ImageMediaTypes.Contains(data.MediaType):
                    WriteBase64Source(writer, "image", data);
                    break;
                case TextContent:
                    break;
                default:
                    throw transport.Unsupported($"Content of type '{ContentDescription.Of(part)}' in a tool result is not supported by provider 'anthropic'.");
            }
        }

        writer.WriteEndArray();
    }

    private static void WriteOptions(Utf8JsonWriter writer, ProviderTransport transport, ChatOptions options)
    {
        if (options.Temperature is { } temperature)
        {
            // Anthropic's range is 0–1 where OpenAI's is 0–2; the nearest value keeps the caller's intent.
            writer.WriteNumber("temperature", Math.Clamp(temperature, 0f, 1f));
        }

        if (options.TopP is { } topP)
        {
            writer.WriteNumber("top_p", topP);
        }

        if (options.TopK is { } topK)
        {
            writer.WriteNumber("top_k", topK);
        }

        if (options.StopSequences is { Count: > 0 } stops)
        {
            writer.WritePropertyName("stop_sequences");
            writer.WriteStartArray();
            foreach (var stop in stops)
            {
                writer.WriteStringValue(stop);
            }

            writer.WriteEndArray();
        }

        if (options.FrequencyPenalty is { } frequency && frequency != 0)
        {
            throw transport.Unsupported("Provider 'anthropic' does not support 'frequency_penalty'.");
        }

        if (options.PresencePenalty is { } presence && presence != 0)
        {
            throw transport.Unsupported("Provider 'anthropic' does not support 'presence_penalty'.");
        }

        if (options.Seed is not null)
        {
            throw transport.Unsupported("Provider 'anthropic' does not support 'seed'.");
        }

        WriteTools(writer, transport, options);
        if (options.AdditionalProperties?.TryGetValue(GatewayOptionKeys.AnthropicOutputConfig, out var config) == true && config is JsonElement outputConfig)
        {
            // The caller's own output_config (from the Anthropic endpoint) already holds any format.
            writer.WritePropertyName("output_config");
            outputConfig.WriteTo(writer);
        }
        else
        {
            WriteResponseFormat(writer, transport, options.ResponseFormat);
        }

        WritePassthrough(writer, options);
    }

    private static void WriteTools(Utf8JsonWriter writer, ProviderTransport transport, ChatOptions options)
    {
        if (options.Tools is { Count: > 0 } tools)
        {
            writer.WritePropertyName("tools");
            writer.WriteStartArray();
            foreach (var tool in tools)
            {
                if (tool is not AIFunctionDeclaration function)
                {
                    throw transport.Unsupported($"Tool '{tool.Name}' is a hosted tool, which the gateway cannot send to provider 'anthropic'.");
                }

                writer.WriteStartObject();
                writer.WriteString("name", function.Name);
                if (!string.IsNullOrEmpty(function.Description))
                {
                    writer.WriteString("description", function.Description);
                }

                writer.WritePropertyName("input_schema");
                function.JsonSchema.WriteTo(writer);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        var disableParallel = options.AllowMultipleToolCalls == false;
        string? type = options.ToolMode switch
        {
            AutoChatToolMode => "auto",
            NoneChatToolMode => "none",
            RequiredChatToolMode { RequiredFunctionName: null } => "any",
            RequiredChatToolMode => "tool",
            _ => disableParallel && options.Tools is { Count: > 0 } ? "auto" : null,
        };
        if (type is null)
        {
            return;
        }

        writer.WritePropertyName("tool_choice");
        writer.WriteStartObject();
        writer.WriteString("type", type);
        if (options.ToolMode is RequiredChatToolMode { RequiredFunctionName: { } name })
        {
            writer.WriteString("name", name);
        }

        if (disableParallel && type != "none")
        {
            writer.WriteBoolean("disable_parallel_tool_use", true);
        }

        writer.WriteEndObject();
    }

    private static void WriteResponseFormat(Utf8JsonWriter writer, ProviderTransport transport, ChatResponseFormat? format)
    {
        switch (format)
        {
            case ChatResponseFormatJson { Schema: { } schema }:
                writer.WritePropertyName("output_config");
                writer.WriteStartObject();
                writer.WritePropertyName("format");
                writer.WriteStartObject();
                writer.WriteString("type", "json_schema");
                writer.WritePropertyName("schema");
                schema.WriteTo(writer);
                writer.WriteEndObject();
                writer.WriteEndObject();
                break;
            case ChatResponseFormatJson:
                throw transport.Unsupported("Provider 'anthropic' has no JSON mode without a schema; send a json_schema response format.");
        }
    }

    private static void WritePassthrough(Utf8JsonWriter writer, ChatOptions options)
    {
        if (options.AdditionalProperties is not { Count: > 0 } extra)
        {
            return;
        }

        // Only keys meant for Anthropic: an OpenAI-shaped request's "metadata" or "service_tier" means something
        // else. The bare "thinking" key is unambiguous (OpenAI has no such field), so OpenAI-endpoint callers can use it.
        if (!WriteElement(writer, extra, GatewayOptionKeys.AnthropicThinking, "thinking"))
        {
            WriteElement(writer, extra, "thinking", "thinking");
        }

        WriteElement(writer, extra, GatewayOptionKeys.AnthropicServiceTier, "service_tier");
        WriteElement(writer, extra, GatewayOptionKeys.AnthropicContextManagement, "context_management");

        if (extra.TryGetValue(GatewayOptionKeys.EndUserId, out var user) && user is JsonElement { ValueKind: JsonValueKind.String } userId)
        {
            writer.WritePropertyName("metadata");
            writer.WriteStartObject();
            writer.WritePropertyName("user_id");
            userId.WriteTo(writer);
            writer.WriteEndObject();
        }
    }

    private static bool WriteElement(Utf8JsonWriter writer, AdditionalPropertiesDictionary extra, string key, string field)
    {
        if (!extra.TryGetValue(key, out var value) || value is not JsonElement element)
        {
            return false;
        }

        writer.WritePropertyName(field);
        element.WriteTo(writer);
        return true;
    }
}
