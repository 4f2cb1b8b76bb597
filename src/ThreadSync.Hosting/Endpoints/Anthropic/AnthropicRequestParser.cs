using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.AI;
using ThreadSync.Gateway;
using ThreadSync.Hosting.Endpoints.Anthropic.Wire;
using ThreadSync.Hosting.Http;
using ThreadSync.Hosting.Serialization;
using static ThreadSync.Hosting.Endpoints.JsonFields;
using static ThreadSync.Hosting.Endpoints.RequestErrors;

namespace ThreadSync.Hosting.Endpoints.Anthropic;

/// <summary>
/// Translates an Anthropic Messages body into the normalized model, so any provider can answer it. <c>tool_use</c>
/// blocks become <see cref="FunctionCallContent"/>; each <c>tool_result</c> becomes a <see cref="ChatRole.Tool"/>
/// message holding one <see cref="FunctionResultContent"/> (as the OpenAI endpoint does), followed by the rest of
/// that user turn. Every problem becomes a 400 whose <c>param</c> names the field.
/// </summary>
internal static class AnthropicRequestParser
{
    private const int MinThinkingBudget = 1024;

    /// <summary>Parses the body; <paramref name="betaHeader"/> is the request's <c>anthropic-beta</c> header, forwarded to Anthropic models.</summary>
    public static ParsedMessagesRequest Parse(ReadOnlySequence<byte> body, string? betaHeader = null)
    {
        var request = JsonRequestBody.Deserialize(body, HostingJsonContext.Default.MessagesRequest);
        if (string.IsNullOrWhiteSpace(request.Model))
        {
            throw Missing("model");
        }

        if (request.MaxTokens is not { } maxTokens)
        {
            throw Missing("max_tokens");
        }

        if (maxTokens <= 0)
        {
            throw Invalid("max_tokens", "'max_tokens' must be a positive integer.");
        }

        if (request.Messages is null)
        {
            throw Missing("messages");
        }

        if (request.Messages.Count == 0)
        {
            throw Invalid("messages", "'messages' must contain at least one message.");
        }

        if (request.Temperature is { } temperature && !(temperature >= 0 && temperature <= 1))
        {
            throw Invalid("temperature", "'temperature' must be between 0 and 1.");
        }

        if (request.TopP is { } topP && !(topP >= 0 && topP <= 1))
        {
            throw Invalid("top_p", "'top_p' must be between 0 and 1.");
        }

        if (request.TopK is <= 0)
        {
            throw Invalid("top_k", "'top_k' must be a positive integer.");
        }

        if (request.McpServers is { ValueKind: JsonValueKind.Array } mcpServers && mcpServers.GetArrayLength() > 0)
        {
            throw Unsupported("mcp_servers", "Anthropic-hosted MCP servers are not supported by this gateway; define client tools instead.");
        }

        var messages = new List<ChatMessage>(request.Messages.Count + 1);
        if (ParseSystem(request.System, "system") is { Count: > 0 } system)
        {
            messages.Add(new ChatMessage(ChatRole.System, system));
        }

        for (var i = 0; i < request.Messages.Count; i++)
        {
            AddMessage(messages, request.Messages[i], i);
        }

        var options = new ChatOptions
        {
            ModelId = request.Model,
            MaxOutputTokens = maxTokens,
            Temperature = request.Temperature,
            TopP = request.TopP,
            TopK = request.TopK,
            StopSequences = request.StopSequences,
            Tools = ParseTools(request.Tools),
        };
        ApplyToolChoice(options, request.ToolChoice);
        ApplyThinking(options, request.Thinking, maxTokens, interleaved: betaHeader?.Contains("interleaved-thinking", StringComparison.OrdinalIgnoreCase) == true);
        ApplyOutputConfig(options, request.OutputConfig);
        if (request.Metadata?.UserId is { ValueKind: JsonValueKind.String } userId)
        {
            (options.AdditionalProperties ??= [])[GatewayOptionKeys.EndUserId] = userId;
        }

        // Fields only Anthropic models understand travel under Anthropic's own keys; other adapters never see them.
        if (request.ServiceTier is { ValueKind: JsonValueKind.String } serviceTier)
        {
            (options.AdditionalProperties ??= [])[GatewayOptionKeys.AnthropicServiceTier] = serviceTier;
        }

        if (request.ContextManagement is { ValueKind: JsonValueKind.Object } contextManagement)
        {
            (options.AdditionalProperties ??= [])[GatewayOptionKeys.AnthropicContextManagement] = contextManagement;
        }

        if (!string.IsNullOrWhiteSpace(betaHeader))
        {
            (options.AdditionalProperties ??= [])[GatewayOptionKeys.AnthropicBeta] = betaHeader.Trim();
        }

        return new ParsedMessagesRequest(messages, options, request.Stream ?? false);
    }

    private static List<AIContent>? ParseSystem(JsonElement? system, string param)
    {
        switch (system)
        {
            case null or { ValueKind: JsonValueKind.Null }:
                return null;
            case { ValueKind: JsonValueKind.String } text:
                return [new TextContent(text.GetString())];
            case { ValueKind: JsonValueKind.Array } blocks:
                return TextBlocks(blocks, param, allowImages: false);
            default:
                throw Invalid(param, $"'{param}' must be a string or an array of text blocks.");
        }
    }

    private static void AddMessage(List<ChatMessage> messages, AnthropicMessage message, int index)
    {
        var param = $"messages[{index}]";
        var role = message.Role switch
        {
            "user" => ChatRole.User,
            "assistant" => ChatRole.Assistant,
            "system" => ChatRole.System,
            null => throw Missing($"{param}.role"),
            var other => throw Invalid($"{param}.role", $"'{Truncate(other)}' is not a supported role; use user or assistant."),
        };

        switch (message.Content)
        {
            case null or { ValueKind: JsonValueKind.Null }:
                throw Missing($"{param}.content");
            case { ValueKind: JsonValueKind.String } text:
                messages.Add(new ChatMessage(role, text.GetString()));
                return;
            case { ValueKind: JsonValueKind.Array } blocks when role == ChatRole.System:
                messages.Add(new ChatMessage(role, TextBlocks(blocks, $"{param}.content", allowImages: false)));
                return;
            case { ValueKind: JsonValueKind.Array } blocks:
                AddBlocks(messages, role, blocks, param);
                return;
            default:
                throw Invalid($"{param}.content", $"{param}.content must be a string or an array of content blocks.");
        }
    }

    private static void AddBlocks(List<ChatMessage> messages, ChatRole role, JsonElement blocks, string param)
    {
        var contents = new List<AIContent>();
        var index = 0;
        foreach (var block in blocks.EnumerateArray())
        {
            var blockParam = $"{param}.content[{index++}]";
            var type = TypeOf(block) ?? throw Missing($"{blockParam}.type");
            var userOnly = type is "image" or "document" or "tool_result";
            var assistantOnly = type is "tool_use" or "thinking" or "redacted_thinking";
            if ((userOnly && role != ChatRole.User) || (assistantOnly && role != ChatRole.Assistant))
            {
                throw Invalid($"{blockParam}.type", $"A '{type}' block may only appear in {(userOnly ? "user" : "assistant")} messages ({blockParam}).");
            }

            switch (type)
            {
                case "text":
                    contents.Add(WithCacheControl(new TextContent(RequiredString(block, "text", blockParam)), block));
                    break;
                case "image":
                    contents.Add(WithCacheControl(Image(block, blockParam), block));
                    break;
                case "document":
                    contents.Add(WithCacheControl(Document(block, blockParam), block));
                    break;
                case "tool_use":
                    contents.Add(WithCacheControl(ToolUse(block, blockParam), block));
                    break;
                case "tool_result":
                    // Each result travels as its own tool message, in order, before the rest of the user turn.
                    messages.Add(new ChatMessage(ChatRole.Tool, [WithCacheControl(ToolResult(block, blockParam), block)]));
                    break;
                case "thinking":
                    contents.Add(new TextReasoningContent(RequiredString(block, "thinking", blockParam)) { ProtectedData = OptionalString(block, "signature") });
                    break;
                case "redacted_thinking":
                    contents.Add(new TextReasoningContent(string.Empty)
                    {
                        ProtectedData = RequiredString(block, "data", blockParam),
                        AdditionalProperties = new() { [GatewayContentKeys.RedactedThinking] = true },
                    });
                    break;
                default:
                    throw Unsupported($"{blockParam}.type", $"Content blocks of type '{Truncate(type)}' are not supported by this gateway; use text, image, document (PDF), tool_use, tool_result or thinking.");
            }
        }

        if (index == 0)
        {
            throw Invalid($"{param}.content", $"{param}.content must not be empty.");
        }

        if (contents.Count > 0)
        {
            messages.Add(new ChatMessage(role, contents));
        }
    }

    private static AIContent Image(JsonElement block, string param)
    {
        if (!block.TryGetProperty("source", out var source) || source.ValueKind != JsonValueKind.Object)
        {
            throw Missing($"{param}.source");
        }

        switch (OptionalString(source, "type"))
        {
            case "base64":
                var mediaType = RequiredString(source, "media_type", $"{param}.source");
                if (mediaType is not ("image/jpeg" or "image/png" or "image/gif" or "image/webp"))
                {
                    throw Invalid($"{param}.source.media_type", $"'{Truncate(mediaType)}' is not a supported image type; use image/jpeg, image/png, image/gif or image/webp.");
                }

                var data = RequiredString(source, "data", $"{param}.source");
                try
                {
                    return new DataContent($"data:{mediaType};base64,{data}");
                }
                catch (FormatException)
                {
                    throw Invalid($"{param}.source.data", $"The image data in {param} is not valid base64.");
                }

            case "url":
                var url = RequiredString(source, "url", $"{param}.source");
                if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
                {
                    return new UriContent(uri, "image/*");
                }

                throw Invalid($"{param}.source.url", $"The image URL in {param} must be an http(s) URL.");
            case null:
                throw Missing($"{param}.source.type");
            case var other:
                throw Unsupported($"{param}.source.type", $"Image sources of type '{Truncate(other)}' are not supported; use base64 or url.");
        }
    }

    private static DataContent Document(JsonElement block, string param)
    {
        if (!block.TryGetProperty("source", out var source) || source.ValueKind != JsonValueKind.Object)
        {
            throw Missing($"{param}.source");
        }

        if (OptionalString(source, "type") != "base64" || OptionalString(source, "media_type") != "application/pdf")
        {
            throw Unsupported($"{param}.source", $"Only base64 PDF documents (source type 'base64', media_type 'application/pdf') are supported ({param}).");
        }

        try
        {
            return new DataContent($"data:application/pdf;base64,{RequiredString(source, "data", $"{param}.source")}");
        }
        catch (FormatException)
        {
            throw Invalid($"{param}.source.data", $"The document data in {param} is not valid base64.");
        }
    }

    private static FunctionCallContent ToolUse(JsonElement block, string param)
    {
        var id = RequiredString(block, "id", param);
        var name = RequiredString(block, "name", param);
        if (!block.TryGetProperty("input", out var input) || input.ValueKind is JsonValueKind.Null)
        {
            return ToolCallArguments.ToCallContent(id, name, (string?)null);
        }

        return input.ValueKind == JsonValueKind.Object
            ? ToolCallArguments.ToCallContent(id, name, input)
            : throw Invalid($"{param}.input", $"{param}.input must be an object.");
    }

    private static FunctionResultContent ToolResult(JsonElement block, string param)
    {
        var id = RequiredString(block, "tool_use_id", param);
        object value = string.Empty;
        if (block.TryGetProperty("content", out var content))
        {
            switch (content.ValueKind)
            {
                case JsonValueKind.String:
                    value = content.GetString()!;
                    break;
                case JsonValueKind.Array:
                    // Text only collapses to a string; text with images (screenshots, file viewers) stays as parts.
                    var parts = TextBlocks(content, $"{param}.content", allowImages: true);
                    value = parts.TrueForAll(static p => p is TextContent)
                        ? string.Join('\n', parts.Select(static p => ((TextContent)p).Text))
                        : parts;
                    break;
                case JsonValueKind.Null:
                    break;
                default:
                    throw Invalid($"{param}.content", $"{param}.content must be a string or an array of text and image blocks.");
            }
        }

        var result = new FunctionResultContent(id, value);
        if (block.TryGetProperty("is_error", out var isError) && isError.ValueKind == JsonValueKind.True)
        {
            result.AdditionalProperties = new() { [GatewayContentKeys.ToolResultIsError] = true };
        }

        return result;
    }

    /// <summary>Keeps a block's <c>cache_control</c> (a prompt-cache breakpoint) for Anthropic models.</summary>
    private static T WithCacheControl<T>(T content, JsonElement block)
        where T : AIContent
    {
        if (block.TryGetProperty("cache_control", out var cacheControl) && cacheControl.ValueKind == JsonValueKind.Object)
        {
            (content.AdditionalProperties ??= [])[GatewayContentKeys.AnthropicCacheControl] = cacheControl;
        }

        return content;
    }

    /// <summary>Reads an array of text blocks (system prompts, tool results; images too where allowed), keeping each block's cache breakpoint.</summary>
    private static List<AIContent> TextBlocks(JsonElement blocks, string param, bool allowImages)
    {
        var parts = new List<AIContent>();
        var index = 0;
        foreach (var block in blocks.EnumerateArray())
        {
            var blockParam = $"{param}[{index++}]";
            switch (TypeOf(block))
            {
                case "text":
                    parts.Add(WithCacheControl(new TextContent(RequiredString(block, "text", blockParam)), block));
                    break;
                case "image" when allowImages:
                    parts.Add(Image(block, blockParam));
                    break;
                default:
                    throw Unsupported($"{blockParam}.type", allowImages ? $"Only text and image blocks are supported in {param}." : $"Only text blocks are supported in {param}.");
            }
        }

        return parts;
    }

    private static List<AITool>? ParseTools(List<AnthropicTool>? tools)
    {
        if (tools is null)
        {
            return null;
        }

        var result = new List<AITool>(tools.Count);
        for (var i = 0; i < tools.Count; i++)
        {
            var tool = tools[i];
            if (tool.Type is { } type && type != "custom")
            {
                throw Unsupported($"tools[{i}].type", $"Server tool '{Truncate(type)}' is not supported by this gateway; define client tools with name, description and input_schema.");
            }

            if (string.IsNullOrWhiteSpace(tool.Name))
            {
                throw Missing($"tools[{i}].name");
            }

            var schema = tool.InputSchema switch
            {
                null or { ValueKind: JsonValueKind.Null } => throw Missing($"tools[{i}].input_schema"),
                { ValueKind: JsonValueKind.Object } inputSchema => inputSchema,
                _ => throw Invalid($"tools[{i}].input_schema", $"tools[{i}].input_schema must be a JSON Schema object."),
            };
            result.Add(AIFunctionFactory.CreateDeclaration(tool.Name, tool.Description, schema));
        }

        return result;
    }

    private static void ApplyToolChoice(ChatOptions options, AnthropicToolChoice? choice)
    {
        if (choice is null)
        {
            return;
        }

        options.ToolMode = choice.Type switch
        {
            "auto" => ChatToolMode.Auto,
            "any" => ChatToolMode.RequireAny,
            "none" => ChatToolMode.None,
            "tool" => string.IsNullOrEmpty(choice.Name) ? throw Missing("tool_choice.name") : ChatToolMode.RequireSpecific(choice.Name),
            null => throw Missing("tool_choice.type"),
            _ => throw Invalid("tool_choice.type", "'tool_choice.type' must be auto, any, tool or none."),
        };
        if (choice.DisableParallelToolUse == true && choice.Type != "none")
        {
            options.AllowMultipleToolCalls = false;
        }
    }

    private static void ApplyThinking(ChatOptions options, JsonElement? thinking, int maxTokens, bool interleaved)
    {
        if (thinking is not { } element || element.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("thinking", "'thinking' must be an object such as {\"type\":\"enabled\",\"budget_tokens\":2048}.");
        }

        switch (OptionalString(element, "type"))
        {
            case "enabled":
                if (!element.TryGetProperty("budget_tokens", out var budget) || budget.ValueKind == JsonValueKind.Null)
                {
                    throw Missing("thinking.budget_tokens");
                }

                // With interleaved thinking the budget spans the whole turn and may exceed max_tokens.
                if (!budget.TryGetInt32(out var tokens) || tokens < MinThinkingBudget || (tokens >= maxTokens && !interleaved))
                {
                    throw Invalid("thinking.budget_tokens", $"'thinking.budget_tokens' must be an integer of at least {MinThinkingBudget} and less than 'max_tokens'.");
                }

                break;
            case "adaptive" or "disabled":
                break;
            case null:
                throw Missing("thinking.type");
            default:
                throw Invalid("thinking.type", "'thinking.type' must be enabled, adaptive or disabled.");
        }

        (options.AdditionalProperties ??= [])[GatewayOptionKeys.AnthropicThinking] = element;
    }

    private static void ApplyOutputConfig(ChatOptions options, JsonElement? outputConfig)
    {
        if (outputConfig is not { ValueKind: JsonValueKind.Object } config)
        {
            return;
        }

        if (config.TryGetProperty("effort", out var effort) && effort.ValueKind == JsonValueKind.String)
        {
            options.Reasoning = new ReasoningOptions
            {
                Effort = effort.GetString() switch
                {
                    "low" => ReasoningEffort.Low,
                    "medium" => ReasoningEffort.Medium,
                    "high" => ReasoningEffort.High,
                    "xhigh" or "max" => ReasoningEffort.ExtraHigh,
                    _ => throw Invalid("output_config.effort", "'output_config.effort' must be low, medium, high, xhigh or max."),
                },
            };
        }

        // Anthropic models get output_config verbatim (effort and format together); other providers get the format
        // as the response format and the effort as reasoning options.
        (options.AdditionalProperties ??= [])[GatewayOptionKeys.AnthropicOutputConfig] = config;
        if (!config.TryGetProperty("format", out var format) || format.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (OptionalString(format, "type") != "json_schema" || !format.TryGetProperty("schema", out var schema) || schema.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("output_config.format", "'output_config.format' must be {\"type\":\"json_schema\",\"schema\":{…}}.");
        }

        options.ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "response");
    }
}
