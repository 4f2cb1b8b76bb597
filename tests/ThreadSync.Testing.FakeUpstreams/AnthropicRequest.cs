using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;

namespace ThreadSync.Testing.FakeUpstreams;

/// <summary>
/// Reads and validates an Anthropic Messages request body the way the real API does (providers.md §1.2): required
/// <c>model</c>, <c>max_tokens</c> and <c>messages</c>, no extra top-level fields, roles, content blocks, image sources and
/// <c>tool_use</c>/<c>tool_result</c> pairing. Only valid while the <see cref="JsonDocument"/> it was read from is alive.
/// </summary>
internal sealed class AnthropicRequest
{
    private static readonly HashSet<string> KnownFields = new(StringComparer.Ordinal)
    {
        "model",
        "messages",
        "max_tokens",
        "system",
        "temperature",
        "top_p",
        "top_k",
        "stop_sequences",
        "stream",
        "tools",
        "tool_choice",
        "thinking",
        "output_config",
        "output_format",
        "metadata",
        "service_tier",
        "container",
        "context_management",
        "mcp_servers",
        "inference_geo",
    };

    private static readonly HashSet<string> ImageMediaTypes = new(StringComparer.Ordinal) { "image/jpeg", "image/png", "image/gif", "image/webp" };

    private AnthropicRequest(string model, bool stream, string lastUserText, int promptWords)
    {
        Model = model;
        Stream = stream;
        LastUserText = lastUserText;
        PromptWords = promptWords;
    }

    /// <summary>Gets the requested model.</summary>
    public string Model { get; }

    /// <summary>Gets a value indicating whether <c>stream</c> is true.</summary>
    public bool Stream { get; }

    /// <summary>Gets the text blocks of the last <c>user</c> message (empty when none).</summary>
    public string LastUserText { get; }

    /// <summary>Gets the number of whitespace-separated words in <c>system</c> and all message texts (at least 1).</summary>
    public int PromptWords { get; }

    /// <summary>Reads the request, or says what is wrong with it (always a 400 <c>invalid_request_error</c>).</summary>
    /// <param name="root">The parsed body.</param>
    /// <param name="request">The request when valid.</param>
    /// <param name="error">The error message when invalid.</param>
    /// <returns>True when valid.</returns>
    public static bool TryRead(JsonElement root, [NotNullWhen(true)] out AnthropicRequest? request, [NotNullWhen(false)] out string? error)
    {
        request = null;
        error = ReadTopLevel(root, out var model);
        if (error is not null)
        {
            return false;
        }

        var words = 0;
        if (root.TryGetProperty("system", out var system))
        {
            error = CountSystem(system, ref words);
            if (error is not null)
            {
                return false;
            }
        }

        error = ReadMessages(root.GetProperty("messages"), ref words, out var lastUserText);
        if (error is not null)
        {
            return false;
        }

        var stream = root.TryGetProperty("stream", out var streamElement) && streamElement.ValueKind == JsonValueKind.True;
        request = new AnthropicRequest(model!, stream, lastUserText, Math.Max(1, words));
        return true;
    }

    private static string? ReadTopLevel(JsonElement root, out string? model)
    {
        model = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return "Input should be a valid dictionary or object to extract fields from";
        }

        foreach (var property in root.EnumerateObject())
        {
            if (!KnownFields.Contains(property.Name))
            {
                return $"{property.Name}: Extra inputs are not permitted";
            }
        }

        if (!root.TryGetProperty("model", out var modelElement))
        {
            return "model: Field required";
        }

        if (modelElement.ValueKind != JsonValueKind.String || modelElement.GetString() is not { Length: > 0 } modelText)
        {
            return "model: Input should be a valid string";
        }

        model = modelText;
        if (!root.TryGetProperty("max_tokens", out var maxTokens))
        {
            return "max_tokens: Field required";
        }

        if (maxTokens.ValueKind != JsonValueKind.Number || !maxTokens.TryGetInt64(out var max))
        {
            return "max_tokens: Input should be a valid integer";
        }

        if (max < 0)
        {
            return "max_tokens: Input should be greater than or equal to 0";
        }

        if (!root.TryGetProperty("messages", out var messages))
        {
            return "messages: Field required";
        }

        if (messages.ValueKind != JsonValueKind.Array)
        {
            return "messages: Input should be a valid list";
        }

        if (messages.GetArrayLength() == 0)
        {
            return "messages: at least one message is required";
        }

        if (root.TryGetProperty("temperature", out var temperature) && temperature.ValueKind != JsonValueKind.Null)
        {
            if (temperature.ValueKind != JsonValueKind.Number)
            {
                return "temperature: Input should be a valid number";
            }

            var value = temperature.GetDouble();
            if (value < 0)
            {
                return "temperature: Input should be greater than or equal to 0";
            }

            if (value > 1)
            {
                return "temperature: Input should be less than or equal to 1";
            }
        }

        return root.TryGetProperty("tools", out var tools) ? ReadTools(tools) : null;
    }

    private static string? ReadTools(JsonElement tools)
    {
        if (tools.ValueKind != JsonValueKind.Array)
        {
            return "tools: Input should be a valid list";
        }

        var index = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            var at = Invariant($"tools.{index}");
            if (tool.ValueKind != JsonValueKind.Object)
            {
                return at + ": Input should be a valid dictionary or object to extract fields from";
            }

            var custom = !tool.TryGetProperty("type", out var type) || type.ValueKind == JsonValueKind.Null || type.ValueEquals("custom");
            if (custom)
            {
                if (!tool.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || name.GetString()!.Length == 0)
                {
                    return at + ".custom.name: Field required";
                }

                if (!tool.TryGetProperty("input_schema", out var schema))
                {
                    return at + ".custom.input_schema: Field required";
                }

                if (schema.ValueKind != JsonValueKind.Object)
                {
                    return at + ".custom.input_schema: Input should be a valid dictionary";
                }
            }

            index++;
        }

        return null;
    }

    private static string? CountSystem(JsonElement system, ref int words)
    {
        switch (system.ValueKind)
        {
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.String:
                words += WireText.CountWords(system.GetString());
                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var block in system.EnumerateArray())
                {
                    if (block.ValueKind != JsonValueKind.Object
                        || !block.TryGetProperty("type", out var type)
                        || !type.ValueEquals("text")
                        || !block.TryGetProperty("text", out var text)
                        || text.ValueKind != JsonValueKind.String)
                    {
                        return Invariant($"system.{index}: Input should be a valid text block ({{\"type\": \"text\", \"text\": \"...\"}})");
                    }

                    if (text.GetString()!.Length == 0)
                    {
                        return "system: text content blocks must be non-empty";
                    }

                    words += WireText.CountWords(text.GetString());
                    index++;
                }

                return null;
            default:
                return "system: Input should be a valid string";
        }
    }

    private static string? ReadMessages(JsonElement messages, ref int words, out string lastUserText)
    {
        lastUserText = string.Empty;
        var count = messages.GetArrayLength();
        var previousToolUseIds = new HashSet<string>(StringComparer.Ordinal);
        var currentToolUseIds = new HashSet<string>(StringComparer.Ordinal);
        var previousIndex = -1;
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            var at = Invariant($"messages.{index}");
            if (message.ValueKind != JsonValueKind.Object)
            {
                return at + ": Input should be a valid dictionary or object to extract fields from";
            }

            if (!message.TryGetProperty("role", out var role))
            {
                return at + ".role: Field required";
            }

            if (role.ValueKind == JsonValueKind.String && role.ValueEquals("system"))
            {
                return "messages: Unexpected role \"system\". The Messages API accepts a top-level `system` parameter, not \"system\" as an input message role.";
            }

            var isUser = role.ValueKind == JsonValueKind.String && role.ValueEquals("user");
            var isAssistant = role.ValueKind == JsonValueKind.String && role.ValueEquals("assistant");
            if (!isUser && !isAssistant)
            {
                return at + ".role: Input should be 'user' or 'assistant'";
            }

            if (!message.TryGetProperty("content", out var content))
            {
                return at + ".content: Field required";
            }

            var isFinalAssistant = isAssistant && index == count - 1;
            currentToolUseIds.Clear();
            var answered = 0;
            string? userText;
            if (content.ValueKind == JsonValueKind.String)
            {
                userText = content.GetString()!;
                if (userText.Length == 0 && !isFinalAssistant)
                {
                    return "messages: all messages must have non-empty content except for the optional final assistant message";
                }

                words += WireText.CountWords(userText);
            }
            else if (content.ValueKind == JsonValueKind.Array)
            {
                if (content.GetArrayLength() == 0 && !isFinalAssistant)
                {
                    return "messages: all messages must have non-empty content except for the optional final assistant message";
                }

                var error = ReadBlocks(content, at, isUser, previousToolUseIds, currentToolUseIds, ref words, ref answered);
                if (error is not null)
                {
                    return error;
                }

                userText = WireText.MessageText(message, out _) ?? string.Empty;
            }
            else
            {
                return at + ".content: Input should be a valid list";
            }

            if (previousToolUseIds.Count > 0 && (!isUser || answered < previousToolUseIds.Count))
            {
                return Invariant($"messages.{previousIndex}: `tool_use` ids were found without `tool_result` blocks immediately after: {string.Join(", ", previousToolUseIds)}. Each `tool_use` block must have a corresponding `tool_result` block in the next message.");
            }

            if (isUser)
            {
                lastUserText = userText;
            }

            (previousToolUseIds, currentToolUseIds) = (currentToolUseIds, previousToolUseIds);
            previousIndex = index;
            index++;
        }

        return null;
    }

    private static string? ReadBlocks(JsonElement content, string at, bool isUser, HashSet<string> previousToolUseIds, HashSet<string> toolUseIds, ref int words, ref int answered)
    {
        var index = 0;
        foreach (var block in content.EnumerateArray())
        {
            var blockAt = Invariant($"{at}.content.{index}");
            if (block.ValueKind != JsonValueKind.Object)
            {
                return blockAt + ": Input should be a valid dictionary or object to extract fields from";
            }

            if (!block.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            {
                return blockAt + ".type: Field required";
            }

            switch (type.GetString())
            {
                case "text":
                    if (!block.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
                    {
                        return blockAt + ".text.text: Field required";
                    }

                    if (text.GetString()!.Length == 0)
                    {
                        return "messages: text content blocks must be non-empty";
                    }

                    words += WireText.CountWords(text.GetString());
                    break;
                case "image":
                    if (ReadImage(block, blockAt) is { } imageError)
                    {
                        return imageError;
                    }

                    break;
                case "tool_use":
                    if (!block.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String || !block.TryGetProperty("name", out _))
                    {
                        return blockAt + ".tool_use.id: Field required";
                    }

                    if (!block.TryGetProperty("input", out var input) || input.ValueKind != JsonValueKind.Object)
                    {
                        return blockAt + ".tool_use.input: Input should be a valid dictionary";
                    }

                    toolUseIds.Add(id.GetString()!);
                    break;
                case "tool_result":
                    if (!block.TryGetProperty("tool_use_id", out var toolUseId) || toolUseId.ValueKind != JsonValueKind.String)
                    {
                        return blockAt + ".tool_result.tool_use_id: Field required";
                    }

                    if (!isUser || !previousToolUseIds.Contains(toolUseId.GetString()!))
                    {
                        return $"{at}.content.{index.ToString(CultureInfo.InvariantCulture)}: unexpected `tool_use_id` found in `tool_result` blocks: {toolUseId.GetString()}. Each `tool_result` block must have a corresponding `tool_use` block in the previous message.";
                    }

                    answered++;
                    break;
            }

            index++;
        }

        return null;
    }

    private static string? ReadImage(JsonElement block, string at)
    {
        if (!block.TryGetProperty("source", out var source) || source.ValueKind != JsonValueKind.Object)
        {
            return at + ".image.source: Field required";
        }

        var type = source.TryGetProperty("type", out var typeElement) && typeElement.ValueKind == JsonValueKind.String ? typeElement.GetString() : null;
        switch (type)
        {
            case "base64":
                if (!source.TryGetProperty("media_type", out var mediaType)
                    || mediaType.ValueKind != JsonValueKind.String
                    || !ImageMediaTypes.Contains(mediaType.GetString()!))
                {
                    return at + ".image.source.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'";
                }

                if (!source.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.String || data.GetString()!.Length == 0)
                {
                    return at + ".image.source.base64.data: Field required";
                }

                return null;
            case "url":
                return source.TryGetProperty("url", out var url) && url.ValueKind == JsonValueKind.String && url.GetString()!.Length > 0
                    ? null
                    : at + ".image.source.url.url: Field required";
            default:
                return $"{at}.image.source: Input tag '{type}' found using 'type' does not match any of the expected tags: 'base64', 'url'";
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
