using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using ThreadSync.Gateway;
using ThreadSync.Gateway.Storage;
using ThreadSync.Hosting.Endpoints.Llm.Wire;
using ThreadSync.Hosting.Http;
using ThreadSync.Hosting.Serialization;
using static ThreadSync.Hosting.Endpoints.JsonFields;
using static ThreadSync.Hosting.Endpoints.RequestErrors;

namespace ThreadSync.Hosting.Endpoints.Llm;

/// <summary>
/// Translates a <c>POST /api/v1/llm/chat</c> body into the normalized model. Every problem becomes a 400 whose
/// <c>param</c> names the field.
/// </summary>
internal static class LlmChatRequestParser
{

    private static readonly JsonElement EmptyObjectSchema = JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement;

    public static ParsedLlmChatRequest Parse(ReadOnlySequence<byte> body)
    {
        var request = JsonRequestBody.Deserialize(body, HostingJsonContext.Default.LlmChatRequest);
        if (request.Messages is null)
        {
            throw Missing("messages");
        }

        if (request.Messages.Count == 0)
        {
            throw Invalid("messages", "'messages' must contain at least one message.");
        }

        var messages = new List<ChatMessage>(request.Messages.Count + 1);
        if (request.System is { Length: > 0 } system)
        {
            messages.Add(new ChatMessage(ChatRole.System, system));
        }

        for (var i = 0; i < request.Messages.Count; i++)
        {
            messages.Add(ToMessage(request.Messages[i], i));
        }

        if (request.MaxTokens is <= 0)
        {
            throw Invalid("max_tokens", "'max_tokens' must be a positive integer.");
        }

        if (request.Temperature is < 0 or > 2)
        {
            throw Invalid("temperature", "'temperature' must be between 0 and 2.");
        }

        var options = new ChatOptions
        {
            ModelId = string.IsNullOrWhiteSpace(request.Model) ? null : request.Model,
            MaxOutputTokens = request.MaxTokens,
            Temperature = request.Temperature,
            StopSequences = RequestFields.StopSequences(request.Stop),
            Tools = ParseTools(request.Tools),
            ToolMode = ParseToolChoice(request.ToolChoice),
        };

        return new ParsedLlmChatRequest(messages, options, request.Stream ?? false, request.AutoRoute ?? false, ParseConversationId(request.ConversationId));
    }

    private static ChatMessage ToMessage(LlmMessage message, int index)
    {
        var param = $"messages[{index}]";
        switch (message.Role)
        {
            case "system":
                return new ChatMessage(ChatRole.System, TextOnly(message.Content, param, required: true));
            case "user":
                return new ChatMessage(ChatRole.User, Parts(message.Content, param));
            case "assistant":
                var contents = new List<AIContent>();
                var text = TextOnly(message.Content, param, required: false);
                if (text.Length > 0)
                {
                    contents.Add(new TextContent(text));
                }

                for (var i = 0; i < (message.ToolCalls?.Count ?? 0); i++)
                {
                    contents.Add(ToCall(message.ToolCalls![i], $"{param}.tool_calls[{i}]"));
                }

                if (contents.Count == 0)
                {
                    throw Invalid($"{param}.content", $"{param} needs 'content' or 'tool_calls'.");
                }

                return new ChatMessage(ChatRole.Assistant, contents);
            case "tool":
                if (string.IsNullOrEmpty(message.ToolCallId))
                {
                    throw Missing($"{param}.tool_call_id");
                }

                return new ChatMessage(ChatRole.Tool, [new FunctionResultContent(message.ToolCallId, TextOnly(message.Content, param, required: false))]);
            case null:
                throw Missing($"{param}.role");
            default:
                throw Invalid($"{param}.role", $"'{Truncate(message.Role)}' is not a supported role; use user, assistant, system or tool.");
        }
    }

    private static FunctionCallContent ToCall(LlmToolCall call, string param)
    {
        if (string.IsNullOrEmpty(call.Id))
        {
            throw Missing($"{param}.id");
        }

        if (string.IsNullOrEmpty(call.Name))
        {
            throw Missing($"{param}.name");
        }

        return call.Arguments switch
        {
            null or { ValueKind: JsonValueKind.Null } => ToolCallArguments.ToCallContent(call.Id, call.Name, (string?)null),
            { ValueKind: JsonValueKind.Object } arguments => ToolCallArguments.ToCallContent(call.Id, call.Name, arguments),
            { ValueKind: JsonValueKind.String } text => ToolCallArguments.ToCallContent(call.Id, call.Name, text.GetString()),
            _ => throw Invalid($"{param}.arguments", $"{param}.arguments must be an object or a JSON string."),
        };
    }

    private static string TextOnly(JsonElement? content, string param, bool required)
    {
        switch (content)
        {
            case null or { ValueKind: JsonValueKind.Null }:
                return required ? throw Missing($"{param}.content") : string.Empty;
            case { ValueKind: JsonValueKind.String } single:
                return single.GetString()!;
            case { ValueKind: JsonValueKind.Array } array:
                var text = new StringBuilder();
                foreach (var part in array.EnumerateArray())
                {
                    if (TypeOf(part) != "text")
                    {
                        throw Invalid($"{param}.content", $"{param}.content may only hold text parts for this role.");
                    }

                    text.Append(PartText(part, param));
                }

                return text.ToString();
            default:
                throw Invalid($"{param}.content", $"{param}.content must be a string or an array of parts.");
        }
    }

    private static List<AIContent> Parts(JsonElement? content, string param)
    {
        switch (content)
        {
            case null or { ValueKind: JsonValueKind.Null }:
                throw Missing($"{param}.content");
            case { ValueKind: JsonValueKind.String } single:
                return [new TextContent(single.GetString())];
            case { ValueKind: JsonValueKind.Array } array:
                var parts = new List<AIContent>();
                foreach (var part in array.EnumerateArray())
                {
                    parts.Add(TypeOf(part) switch
                    {
                        "text" => new TextContent(PartText(part, param)),
                        "image" => ImagePart(part, param),
                        var other => throw Unsupported($"{param}.content", $"Part type '{Truncate(other ?? "(none)")}' in {param} is not supported; use text or image."),
                    });
                }

                return parts.Count > 0 ? parts : throw Invalid($"{param}.content", $"{param}.content must not be empty.");
            default:
                throw Invalid($"{param}.content", $"{param}.content must be a string or an array of parts.");
        }
    }

    private static AIContent ImagePart(JsonElement part, string param)
    {
        var url = OptionalString(part, "url");
        var data = OptionalString(part, "data");
        if (url is not null)
        {
            if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
            {
                return DataUri(url, param);
            }

            if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
            {
                return new UriContent(uri, OptionalString(part, "media_type") ?? "image/*");
            }

            throw Invalid($"{param}.content.url", $"The image URL in {param} must be an http(s) URL or a data URI.");
        }

        if (data is null)
        {
            throw Missing($"{param}.content.url");
        }

        var mediaType = OptionalString(part, "media_type");
        if (mediaType is null || !mediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid($"{param}.content.media_type", $"An image with 'data' in {param} needs an image 'media_type', for example image/png.");
        }

        return DataUri($"data:{mediaType};base64,{data}", param);
    }

    private static DataContent DataUri(string uri, string param)
    {
        try
        {
            return new DataContent(uri);
        }
        catch (FormatException)
        {
            throw Invalid($"{param}.content", $"The image data in {param} is not valid base64 (or not a valid data URI).");
        }
    }

    private static List<AITool>? ParseTools(List<LlmTool>? tools)
    {
        if (tools is null)
        {
            return null;
        }

        var result = new List<AITool>(tools.Count);
        for (var i = 0; i < tools.Count; i++)
        {
            var tool = tools[i];
            if (string.IsNullOrWhiteSpace(tool.Name))
            {
                throw Missing($"tools[{i}].name");
            }

            var schema = tool.Parameters switch
            {
                null or { ValueKind: JsonValueKind.Null } => EmptyObjectSchema,
                { ValueKind: JsonValueKind.Object } parameters => parameters,
                _ => throw Invalid($"tools[{i}].parameters", $"tools[{i}].parameters must be a JSON Schema object."),
            };
            result.Add(AIFunctionFactory.CreateDeclaration(tool.Name, tool.Description, schema));
        }

        return result;
    }

    private static ChatToolMode? ParseToolChoice(JsonElement? choice)
    {
        const string Message = "'tool_choice' must be 'auto', 'none', 'required' or {\"name\": \"<tool>\"}.";
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
                    _ => throw Invalid("tool_choice", Message),
                };
            case { ValueKind: JsonValueKind.Object } named when OptionalString(named, "name") is { Length: > 0 } name:
                return ChatToolMode.RequireSpecific(name);
            default:
                throw Invalid("tool_choice", Message);
        }
    }

    private static string? ParseConversationId(string? id) =>
        id is null || ConversationIds.IsValid(id) ? id : throw Invalid("conversation_id", $"'conversation_id' must be {ConversationIds.Rule}.");
}
