using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.AI;
using ThreadSync.Gateway;
using ThreadSync.Gateway.Storage;
using ThreadSync.Hosting.Endpoints.OpenAI.Wire;
using ThreadSync.Hosting.Serialization;
using static ThreadSync.Hosting.Endpoints.JsonFields;
using static ThreadSync.Hosting.Endpoints.RequestErrors;

namespace ThreadSync.Hosting.Endpoints.OpenAI;

/// <summary>
/// Translates an OpenAI Chat Completions body into the normalized model. Every problem becomes a 400 with a
/// message naming the field, never a framework exception text.
/// </summary>
internal static class OpenAIChatRequestParser
{
    public static ParsedChatRequest Parse(ReadOnlySequence<byte> body)
    {
        ChatCompletionRequest? request;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 128 });
            request = JsonSerializer.Deserialize(ref reader, HostingJsonContext.Default.ChatCompletionRequest);
        }
        catch (JsonException ex)
        {
            var where = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? string.Empty : $" at '{ex.Path.TrimStart('$', '.')}'";
            var what = ex.LineNumber is null ? "has a value of the wrong type" : "is not valid JSON";
            throw new GatewayException(400, GatewayErrorCodes.InvalidJson, $"The request body {what}{where}.");
        }

        if (request is null)
        {
            throw new GatewayException(400, GatewayErrorCodes.InvalidJson, "The request body must be a JSON object.");
        }

        if (request.Messages is null)
        {
            throw Missing("messages");
        }

        if (request.Messages.Count == 0)
        {
            throw Invalid("messages", "'messages' must contain at least one message.");
        }

        if (request.N is > 1)
        {
            throw new GatewayException(400, GatewayErrorCodes.UnsupportedParameter, "'n' greater than 1 is not supported.", param: "n");
        }

        var messages = new List<ChatMessage>(request.Messages.Count);
        for (var i = 0; i < request.Messages.Count; i++)
        {
            messages.Add(ToMessage(request.Messages[i], i));
        }

        var options = new ChatOptions
        {
            ModelId = string.IsNullOrWhiteSpace(request.Model) ? null : request.Model,
            Temperature = request.Temperature,
            TopP = request.TopP,
            FrequencyPenalty = request.FrequencyPenalty,
            PresencePenalty = request.PresencePenalty,
            Seed = request.Seed,
            AllowMultipleToolCalls = request.ParallelToolCalls,
        };

        var maxTokens = request.MaxCompletionTokens ?? request.MaxTokens;
        if (maxTokens is <= 0)
        {
            throw Invalid(request.MaxCompletionTokens is null ? "max_tokens" : "max_completion_tokens", "The token limit must be a positive integer.");
        }

        options.MaxOutputTokens = maxTokens;
        options.StopSequences = RequestFields.StopSequences(request.Stop);
        options.Tools = ParseTools(request.Tools);
        options.ToolMode = ParseToolChoice(request.ToolChoice);
        options.ResponseFormat = ParseResponseFormat(request.ResponseFormat);
        if (request.Extra is { Count: > 0 } extra)
        {
            options.AdditionalProperties = [];
            foreach (var (key, value) in extra)
            {
                options.AdditionalProperties[key] = value;
            }
        }

        if (request.ConversationId is { } conversationId && !ConversationIds.IsValid(conversationId))
        {
            throw Invalid("conversation_id", $"'conversation_id' must be {ConversationIds.Rule}.");
        }

        var stream = request.Stream ?? false;
        return new ParsedChatRequest(messages, options, stream, stream && request.StreamOptions?.IncludeUsage == true, request.AutoRoute ?? false, request.ConversationId);
    }

    private static ChatMessage ToMessage(RequestMessage message, int index)
    {
        var param = $"messages[{index}]";
        switch (message.Role)
        {
            case "system" or "developer":
                return new ChatMessage(ChatRole.System, ContentText(message.Content, param));
            case "user":
                return new ChatMessage(ChatRole.User, ContentParts(message.Content, param)) { AuthorName = message.Name };
            case "assistant":
                var contents = new List<AIContent>();
                var text = message.Content is { ValueKind: not JsonValueKind.Null } ? ContentText(message.Content, param) : string.Empty;
                if (text.Length > 0)
                {
                    contents.Add(new TextContent(text));
                }

                foreach (var call in message.ToolCalls ?? [])
                {
                    if (string.IsNullOrEmpty(call.Id) || string.IsNullOrEmpty(call.Function?.Name))
                    {
                        throw Invalid(param, $"Each tool call in {param} needs an 'id' and a 'function.name'.");
                    }

                    contents.Add(ToolCallArguments.ToCallContent(call.Id, call.Function.Name, call.Function.Arguments));
                }

                return new ChatMessage(ChatRole.Assistant, contents) { AuthorName = message.Name };
            case "tool":
                if (string.IsNullOrEmpty(message.ToolCallId))
                {
                    throw Missing($"{param}.tool_call_id");
                }

                return new ChatMessage(ChatRole.Tool, [new FunctionResultContent(message.ToolCallId, ContentText(message.Content, param))]);
            case null:
                throw Missing($"{param}.role");
            default:
                throw Invalid($"{param}.role", $"'{Truncate(message.Role)}' is not a supported role; use system, developer, user, assistant or tool.");
        }
    }

    private static string ContentText(JsonElement? content, string param)
    {
        if (content is not { } element || element.ValueKind == JsonValueKind.Null)
        {
            return string.Empty;
        }

        if (element.ValueKind == JsonValueKind.String)
        {
            return element.GetString()!;
        }

        if (element.ValueKind != JsonValueKind.Array)
        {
            throw Invalid($"{param}.content", $"{param}.content must be a string or an array of content parts.");
        }

        var text = new System.Text.StringBuilder();
        foreach (var part in element.EnumerateArray())
        {
            if (TypeOf(part) != "text")
            {
                throw Invalid($"{param}.content", $"{param}.content may only hold text parts for this role.");
            }

            text.Append(PartText(part, param));
        }

        return text.ToString();
    }

    private static List<AIContent> ContentParts(JsonElement? content, string param)
    {
        if (content is not { } element || element.ValueKind == JsonValueKind.Null)
        {
            throw Missing($"{param}.content");
        }

        if (element.ValueKind == JsonValueKind.String)
        {
            return [new TextContent(element.GetString())];
        }

        if (element.ValueKind != JsonValueKind.Array)
        {
            throw Invalid($"{param}.content", $"{param}.content must be a string or an array of content parts.");
        }

        var parts = new List<AIContent>();
        foreach (var part in element.EnumerateArray())
        {
            switch (TypeOf(part))
            {
                case "text":
                    parts.Add(new TextContent(PartText(part, param)));
                    break;
                case "image_url":
                    parts.Add(ImagePart(part, param));
                    break;
                case var other:
                    throw new GatewayException(400, GatewayErrorCodes.UnsupportedParameter, $"Content part type '{Truncate(other ?? "(none)")}' in {param} is not supported; use text or image_url.", param: $"{param}.content");
            }
        }

        return parts;
    }

    private static AIContent ImagePart(JsonElement part, string param)
    {
        if (!part.TryGetProperty("image_url", out var image) || !image.TryGetProperty("url", out var urlElement) || urlElement.ValueKind != JsonValueKind.String)
        {
            throw Missing($"{param}.content.image_url.url");
        }

        var url = urlElement.GetString()!;
        AIContent content;
        if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                content = new DataContent(url);
            }
            catch (FormatException)
            {
                throw Invalid($"{param}.content.image_url.url", $"The image data URI in {param} is malformed.");
            }
        }
        else if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
        {
            content = new UriContent(uri, "image/*");
        }
        else
        {
            throw Invalid($"{param}.content.image_url.url", $"The image URL in {param} must be an http(s) URL or a data URI.");
        }

        if (image.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String)
        {
            content.AdditionalProperties = new() { ["detail"] = detail.GetString() };
        }

        return content;
    }

    private static List<AITool>? ParseTools(List<RequestTool>? tools)
    {
        if (tools is null)
        {
            return null;
        }

        var result = new List<AITool>(tools.Count);
        for (var i = 0; i < tools.Count; i++)
        {
            var tool = tools[i];
            if (tool.Type != "function" || string.IsNullOrWhiteSpace(tool.Function?.Name))
            {
                throw Invalid($"tools[{i}]", $"tools[{i}] must be {{\"type\":\"function\",\"function\":{{\"name\":…}}}}.");
            }

            var schema = tool.Function.Parameters is { ValueKind: JsonValueKind.Object } parameters
                ? parameters
                : EmptyObjectSchema;
            result.Add(AIFunctionFactory.CreateDeclaration(tool.Function.Name, tool.Function.Description, schema));
        }

        return result;
    }

    private static readonly JsonElement EmptyObjectSchema = JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement;

    private static ChatToolMode? ParseToolChoice(JsonElement? choice)
    {
        switch (choice)
        {
            case null or { ValueKind: JsonValueKind.Null }:
                return null;
            case { ValueKind: JsonValueKind.String } mode:
                return mode.GetString() switch
                {
                    "auto" => ChatToolMode.Auto,
                    "none" => ChatToolMode.None,
                    "required" => ChatToolMode.RequireAny,
                    _ => throw Invalid("tool_choice", "'tool_choice' must be 'auto', 'none', 'required' or a named function."),
                };
            case { ValueKind: JsonValueKind.Object } named
                when named.TryGetProperty("function", out var function) && function.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String:
                return ChatToolMode.RequireSpecific(name.GetString()!);
            default:
                throw Invalid("tool_choice", "'tool_choice' must be 'auto', 'none', 'required' or a named function.");
        }
    }

    private static ChatResponseFormat? ParseResponseFormat(JsonElement? format)
    {
        if (format is not { ValueKind: JsonValueKind.Object } element)
        {
            return null;
        }

        var type = element.TryGetProperty("type", out var t) ? t.GetString() : null;
        switch (type)
        {
            case "text":
                return ChatResponseFormat.Text;
            case "json_object":
                return ChatResponseFormat.Json;
            case "json_schema" when element.TryGetProperty("json_schema", out var spec) && spec.TryGetProperty("schema", out var schema):
                return ChatResponseFormat.ForJsonSchema(
                    schema.Clone(),
                    spec.TryGetProperty("name", out var name) ? name.GetString() : null,
                    spec.TryGetProperty("description", out var description) ? description.GetString() : null);
            default:
                throw Invalid("response_format", "'response_format.type' must be 'text', 'json_object' or 'json_schema' with a schema.");
        }
    }
}
