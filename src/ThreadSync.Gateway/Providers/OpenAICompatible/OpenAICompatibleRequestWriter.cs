using System.Text.Json;
using Microsoft.Extensions.AI;
using ThreadSync.Gateway.Providers.Internal;

namespace ThreadSync.Gateway.Providers.OpenAICompatible;

/// <summary>
/// Writes a normalized request as an OpenAI-compatible Chat Completions body, straight to a
/// <see cref="Utf8JsonWriter"/> (no intermediate object graph). Anything the dialect cannot express is
/// refused with <see cref="ProviderFailureKind.Unsupported"/>, never silently dropped.
/// </summary>
internal static class OpenAICompatibleRequestWriter
{
    public static void Write(
        Utf8JsonWriter writer,
        OpenAICompatibleDialect dialect,
        string modelId,
        ModelDescriptor? model,
        IEnumerable<ChatMessage> messages,
        ChatOptions? options,
        bool stream)
    {
        writer.WriteStartObject();
        writer.WriteString("model", modelId);

        writer.WritePropertyName("messages");
        writer.WriteStartArray();
        var systemRole = dialect.DeveloperRoleForReasoningModels && model?.Has(ModelCapabilities.Reasoning) == true ? "developer" : "system";
        if (!string.IsNullOrEmpty(options?.Instructions))
        {
            WriteTextMessage(writer, systemRole, options.Instructions);
        }

        var list = dialect.MergeConsecutiveRoles ? MergeConsecutiveRoles(messages) : messages;
        foreach (var message in list)
        {
            WriteMessage(writer, dialect, systemRole, message);
        }

        writer.WriteEndArray();

        if (options is not null)
        {
            WriteOptions(writer, dialect, options);
        }

        if (stream)
        {
            writer.WriteBoolean("stream", true);
            if (dialect.RequestStreamUsage)
            {
                writer.WritePropertyName("stream_options");
                writer.WriteStartObject();
                writer.WriteBoolean("include_usage", true);
                writer.WriteEndObject();
            }
        }

        writer.WriteEndObject();
    }

    private static void WriteOptions(Utf8JsonWriter writer, OpenAICompatibleDialect dialect, ChatOptions options)
    {
        if (options.MaxOutputTokens is { } maxTokens)
        {
            writer.WriteNumber(dialect.MaxTokensField, maxTokens);
        }

        if (options.Temperature is { } temperature)
        {
            writer.WriteNumber("temperature", temperature);
        }

        if (options.TopP is { } topP)
        {
            writer.WriteNumber("top_p", topP);
        }

        if (options.StopSequences is { Count: > 0 } stops)
        {
            writer.WritePropertyName("stop");
            writer.WriteStartArray();
            foreach (var stop in stops)
            {
                writer.WriteStringValue(stop);
            }

            writer.WriteEndArray();
        }

        if (options.FrequencyPenalty is { } frequencyPenalty)
        {
            writer.WriteNumber("frequency_penalty", frequencyPenalty);
        }

        if (options.PresencePenalty is { } presencePenalty)
        {
            writer.WriteNumber("presence_penalty", presencePenalty);
        }

        if (options.Seed is { } seed)
        {
            writer.WriteNumber("seed", seed);
        }

        if (options.Reasoning?.Effort is { } effort && options.AdditionalProperties?.ContainsKey("reasoning_effort") != true)
        {
            // OpenAI, xAI and Perplexity all take reasoning_effort (none..high); Anthropic's xhigh/max is OpenAI's high.
            writer.WriteString("reasoning_effort", effort switch
            {
                ReasoningEffort.None => "none",
                ReasoningEffort.Low => "low",
                ReasoningEffort.Medium => "medium",
                _ => "high",
            });
        }

        WriteTools(writer, dialect, options);
        WriteResponseFormat(writer, dialect, options.ResponseFormat);

        if (options.AdditionalProperties is { Count: > 0 } extra)
        {
            foreach (var (key, value) in extra)
            {
                if (value is JsonElement element && dialect.Passthrough.Contains(key))
                {
                    writer.WritePropertyName(key);
                    element.WriteTo(writer);
                }
            }
        }
    }

    private static void WriteTools(Utf8JsonWriter writer, OpenAICompatibleDialect dialect, ChatOptions options)
    {
        var hasTools = options.Tools is { Count: > 0 };
        if (!hasTools && options.ToolMode is null or NoneChatToolMode)
        {
            return;
        }

        if (!dialect.SupportsTools)
        {
            throw Unsupported(dialect, $"Provider '{dialect.Provider.ToWireId()}' does not support tool calling.");
        }

        if (hasTools)
        {
            writer.WritePropertyName("tools");
            writer.WriteStartArray();
            foreach (var tool in options.Tools!)
            {
                if (tool is not AIFunctionDeclaration function)
                {
                    throw Unsupported(dialect, $"Tool '{tool.Name}' is a hosted tool, which provider '{dialect.Provider.ToWireId()}' does not support through Chat Completions.");
                }

                writer.WriteStartObject();
                writer.WriteString("type", "function");
                writer.WritePropertyName("function");
                writer.WriteStartObject();
                writer.WriteString("name", function.Name);
                if (!string.IsNullOrEmpty(function.Description))
                {
                    writer.WriteString("description", function.Description);
                }

                writer.WritePropertyName("parameters");
                function.JsonSchema.WriteTo(writer);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        switch (options.ToolMode)
        {
            case AutoChatToolMode:
                writer.WriteString("tool_choice", "auto");
                break;
            case NoneChatToolMode:
                writer.WriteString("tool_choice", "none");
                break;
            case RequiredChatToolMode { RequiredFunctionName: null }:
                writer.WriteString("tool_choice", "required");
                break;
            case RequiredChatToolMode required:
                writer.WritePropertyName("tool_choice");
                writer.WriteStartObject();
                writer.WriteString("type", "function");
                writer.WritePropertyName("function");
                writer.WriteStartObject();
                writer.WriteString("name", required.RequiredFunctionName);
                writer.WriteEndObject();
                writer.WriteEndObject();
                break;
        }

        if (options.AllowMultipleToolCalls is { } parallel)
        {
            writer.WriteBoolean("parallel_tool_calls", parallel);
        }
    }

    private static void WriteResponseFormat(Utf8JsonWriter writer, OpenAICompatibleDialect dialect, ChatResponseFormat? format)
    {
        switch (format)
        {
            case ChatResponseFormatJson { Schema: null }:
                if (!dialect.SupportsJsonObjectFormat)
                {
                    throw Unsupported(dialect, $"Provider '{dialect.Provider.ToWireId()}' does not support JSON mode without a schema; send a json_schema response format.");
                }

                writer.WritePropertyName("response_format");
                writer.WriteStartObject();
                writer.WriteString("type", "json_object");
                writer.WriteEndObject();
                break;
            case ChatResponseFormatJson { Schema: { } schema } json:
                writer.WritePropertyName("response_format");
                writer.WriteStartObject();
                writer.WriteString("type", "json_schema");
                writer.WritePropertyName("json_schema");
                writer.WriteStartObject();
                writer.WriteString("name", json.SchemaName ?? "response");
                if (json.SchemaDescription is { } description)
                {
                    writer.WriteString("description", description);
                }

                writer.WritePropertyName("schema");
                schema.WriteTo(writer);
                writer.WriteBoolean("strict", true);
                writer.WriteEndObject();
                writer.WriteEndObject();
                break;
        }
    }

    private static void WriteMessage(Utf8JsonWriter writer, OpenAICompatibleDialect dialect, string systemRole, ChatMessage message)
    {
        var role = message.Role;
        if (role == ChatRole.System)
        {
            // A system prompt sent as several blocks (the Anthropic endpoint) reads as paragraphs.
            var texts = message.Contents.OfType<TextContent>().ToList();
            WriteTextMessage(writer, systemRole, texts.Count == 1 ? texts[0].Text : string.Join("\n\n", texts.Select(static t => t.Text)));
            return;
        }

        if (role == ChatRole.Tool || (role == ChatRole.User && message.Contents.Any(static c => c is FunctionResultContent)))
        {
            // Each tool result is its own {role:"tool"} message; any other parts of a user turn follow as a user message.
            foreach (var result in message.Contents.OfType<FunctionResultContent>())
            {
                writer.WriteStartObject();
                writer.WriteString("role", "tool");
                writer.WriteString("tool_call_id", result.CallId);
                if (ToolResults.HasNonTextParts(result))
                {
                    throw Unsupported(dialect, $"Provider '{dialect.Provider.ToWireId()}' takes only text tool results; images in tool results need an Anthropic model.");
                }

                writer.WriteString("content", ToolResults.ToText(result));
                writer.WriteEndObject();
            }

            var rest = message.Contents.Where(static c => c is not FunctionResultContent).ToList();
            if (role == ChatRole.User && rest.Count > 0)
            {
                WriteUserMessage(writer, dialect, rest);
            }

            return;
        }

        if (role == ChatRole.Assistant)
        {
            WriteAssistantMessage(writer, message);
            return;
        }

        if (role == ChatRole.User)
        {
            WriteUserMessage(writer, dialect, message.Contents);
            return;
        }

        throw Unsupported(dialect, $"Message role '{role.Value}' is not supported.");
    }

    private static void WriteTextMessage(Utf8JsonWriter writer, string role, string text)
    {
        writer.WriteStartObject();
        writer.WriteString("role", role);
        writer.WriteString("content", text);
        writer.WriteEndObject();
    }

    private static void WriteUserMessage(Utf8JsonWriter writer, OpenAICompatibleDialect dialect, IList<AIContent> contents)
    {
        writer.WriteStartObject();
        writer.WriteString("role", "user");
        writer.WritePropertyName("content");
        if (contents.Count == 1 && contents[0] is TextContent single)
        {
            writer.WriteStringValue(single.Text);
        }
        else
        {
            writer.WriteStartArray();
            foreach (var content in contents)
            {
                WritePart(writer, dialect, content);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static void WritePart(Utf8JsonWriter writer, OpenAICompatibleDialect dialect, AIContent content)
    {
        switch (content)
        {
            case TextContent text:
                writer.WriteStartObject();
                writer.WriteString("type", "text");
                writer.WriteString("text", text.Text);
                writer.WriteEndObject();
                break;
            case DataContent data when data.HasTopLevelMediaType("image"):
                WriteImagePart(writer, data.Uri, data.AdditionalProperties);
                break;
            case UriContent uri when uri.HasTopLevelMediaType("image"):
                WriteImagePart(writer, uri.Uri.OriginalString, uri.AdditionalProperties);
                break;
            default:
                throw Unsupported(dialect, $"Content of type '{ContentDescription.Of(content)}' is not supported by provider '{dialect.Provider.ToWireId()}'.");
        }
    }

    private static void WriteImagePart(Utf8JsonWriter writer, string url, AdditionalPropertiesDictionary? properties)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "image_url");
        writer.WritePropertyName("image_url");
        writer.WriteStartObject();
        writer.WriteString("url", url);
        if (properties?.TryGetValue("detail", out var detail) == true && detail is string detailText)
        {
            writer.WriteString("detail", detailText);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteAssistantMessage(Utf8JsonWriter writer, ChatMessage message)
    {
        writer.WriteStartObject();
        writer.WriteString("role", "assistant");
        var text = string.Concat(message.Contents.OfType<TextContent>().Select(static t => t.Text));
        var calls = message.Contents.OfType<FunctionCallContent>().ToList();
        if (text.Length > 0 || calls.Count == 0)
        {
            writer.WriteString("content", text);
        }
        else
        {
            writer.WriteNull("content");
        }

        if (calls.Count > 0)
        {
            writer.WritePropertyName("tool_calls");
            writer.WriteStartArray();
            foreach (var call in calls)
            {
                writer.WriteStartObject();
                writer.WriteString("id", call.CallId);
                writer.WriteString("type", "function");
                writer.WritePropertyName("function");
                writer.WriteStartObject();
                writer.WriteString("name", call.Name);
                writer.WriteString("arguments", ToolCallArguments.ToJson(call));
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static IEnumerable<ChatMessage> MergeConsecutiveRoles(IEnumerable<ChatMessage> messages)
    {
        ChatMessage? pending = null;
        foreach (var message in messages)
        {
            var mergeable = message.Role == ChatRole.User || message.Role == ChatRole.Assistant;
            if (pending is not null && mergeable && pending.Role == message.Role)
            {
                var merged = new List<AIContent>(pending.Contents.Count + message.Contents.Count + 1);
                merged.AddRange(pending.Contents);
                if (merged.Count > 0 && merged[^1] is TextContent && message.Contents.FirstOrDefault() is TextContent)
                {
                    merged.Add(new TextContent("\n\n"));
                }

                merged.AddRange(message.Contents);
                pending = new ChatMessage(pending.Role, Coalesce(merged));
                continue;
            }

            if (pending is not null)
            {
                yield return pending;
            }

            pending = message;
        }

        if (pending is not null)
        {
            yield return pending;
        }
    }

    private static List<AIContent> Coalesce(List<AIContent> contents)
    {
        // Adjacent text parts become one, so a merged text-only turn is still sent as a plain string.
        var result = new List<AIContent>(contents.Count);
        foreach (var content in contents)
        {
            if (content is TextContent text && result.Count > 0 && result[^1] is TextContent previous)
            {
                result[^1] = new TextContent(previous.Text + text.Text);
            }
            else
            {
                result.Add(content);
            }
        }

        return result;
    }

    private static ProviderException Unsupported(OpenAICompatibleDialect dialect, string message) =>
        new(dialect.Provider, ProviderFailureKind.Unsupported, message, upstreamMessage: message);
}
