using System.Text.Json;
using Microsoft.Extensions.AI;

namespace ThreadSync.Gateway.Providers.Internal;

/// <summary>Reads a caller's tool result the way every provider needs it: as text, and whether it reports a failure.</summary>
internal static class ToolResults
{
    /// <summary>
    /// The result as text. A result made of content parts (text and images, from the Anthropic endpoint) keeps its text;
    /// callers that cannot send images must check <see cref="HasNonTextParts"/> and refuse rather than drop them.
    /// </summary>
    public static string ToText(FunctionResultContent result) => result.Result switch
    {
        IEnumerable<AIContent> parts => string.Concat(parts.OfType<TextContent>().Select(static t => t.Text)),
        // An exception's message is the caller's internals; the model only learns that the tool failed.
        null => result.Exception is null ? string.Empty : "The tool failed.",
        string s => s,
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString() ?? string.Empty,
        JsonElement e => e.GetRawText(),
        TextContent t => t.Text,
        var other => JsonSerializer.Serialize(other, ToolCallArguments.CompactOptions.GetTypeInfo(typeof(object))),
    };

    public static bool HasNonTextParts(FunctionResultContent result) =>
        result.Result is IEnumerable<AIContent> parts && parts.Any(static p => p is not TextContent);

    public static bool IsError(FunctionResultContent result) =>
        result.Exception is not null
        || (result.AdditionalProperties?.TryGetValue(GatewayContentKeys.ToolResultIsError, out var flag) == true && flag is true);
}
