using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace ThreadSync.Gateway.Usage;

/// <summary>
/// Rough token counts for when a provider reports none (a stream cut short): about four characters per token,
/// the usual rule of thumb for English text and code with the providers' tokenizers. Good for an order of magnitude,
/// never for an invoice line on its own; usage built from it is marked estimated.
/// </summary>
internal static class TokenEstimator
{
    /// <summary>Characters per token.</summary>
    public const int CharsPerToken = 4;

    /// <summary>Tokens of framing per message (role and separators).</summary>
    public const int TokensPerMessage = 4;

    /// <summary>Tokens per image input (providers charge roughly 500–1,600 for a typical 1-megapixel image).</summary>
    public const int TokensPerImage = 1_000;

    /// <summary>Tokens for a number of characters, rounded up.</summary>
    public static long FromChars(long chars) => chars <= 0 ? 0 : (chars + CharsPerToken - 1) / CharsPerToken;

    /// <summary>Estimates the input tokens of a request: instructions, tool definitions and every message's content.</summary>
    /// <param name="messages">The request messages.</param>
    /// <param name="options">The request options (instructions and tools count as input too).</param>
    /// <returns>The estimated input tokens.</returns>
    public static long EstimateInput(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        long chars = options?.Instructions?.Length ?? 0;
        long tokens = 0;
        if (options?.Tools is { } tools)
        {
            foreach (var tool in tools)
            {
                chars += tool.Name.Length + (tool.Description?.Length ?? 0);
                if (tool is AIFunctionDeclaration function)
                {
                    chars += JsonLength(function.JsonSchema);
                }
            }
        }

        foreach (var message in messages)
        {
            tokens += TokensPerMessage;
            var contents = message.Contents;
            for (var i = 0; i < contents.Count; i++)
            {
                switch (contents[i])
                {
                    case DataContent data when data.HasTopLevelMediaType("image"):
                        tokens += TokensPerImage;
                        break;
                    case DataContent data:
                        chars += data.Data.Length;
                        break;
                    case UriContent:
                        tokens += TokensPerImage;
                        break;
                    case FunctionResultContent result:
                        chars += result.CallId.Length + ValueLength(result.Result);
                        break;
                    case var content:
                        chars += OutputChars(content);
                        break;
                }
            }
        }

        return tokens + FromChars(chars);
    }

    /// <summary>The characters of a piece of model output that the provider bills as output tokens (text, reasoning, tool calls).</summary>
    public static long OutputChars(AIContent content) => content switch
    {
        TextContent text => text.Text.Length,
        TextReasoningContent reasoning => reasoning.Text.Length,
        FunctionCallContent call => call.Name.Length + ArgumentsLength(call.Arguments),
        _ => 0,
    };

    private static long ArgumentsLength(IDictionary<string, object?>? arguments)
    {
        if (arguments is null)
        {
            return 0;
        }

        long length = 2;
        foreach (var (name, value) in arguments)
        {
            length += name.Length + 4 + ValueLength(value);
        }

        return length;
    }

    private static long ValueLength(object? value) => value switch
    {
        null => 4,
        string text => text.Length,
        JsonElement element => JsonLength(element),
        _ => value.ToString()?.Length ?? 0,
    };

    // The UTF-8 length of the element's JSON text, read without copying it.
    private static long JsonLength(JsonElement element) =>
        element.ValueKind == JsonValueKind.Undefined ? 0 : JsonMarshal.GetRawUtf8Value(element).Length;
}
