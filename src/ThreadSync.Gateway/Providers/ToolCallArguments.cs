using System.Text.Json;
using Microsoft.Extensions.AI;

namespace ThreadSync.Gateway;

/// <summary>
/// Converts tool-call arguments between a provider's JSON text and <see cref="FunctionCallContent.Arguments"/>.
/// Arguments a model produced as invalid JSON are kept verbatim, so nothing is lost on the way through.
/// </summary>
public static class ToolCallArguments
{
    /// <summary>Where the verbatim argument text is kept when it does not parse as a JSON object.</summary>
    public const string RawArgumentsKey = "threadsync.raw_arguments";

    // M.E.AI's defaults indent; arguments go over the wire compact, as models and providers write them.
    internal static readonly JsonSerializerOptions CompactOptions = new(AIJsonUtilities.DefaultOptions) { WriteIndented = false };

    /// <summary>Creates a call from a provider's JSON argument text; invalid JSON is kept verbatim under <see cref="RawArgumentsKey"/>.</summary>
    /// <param name="callId">The call id.</param>
    /// <param name="name">The function name.</param>
    /// <param name="argumentsJson">The arguments as JSON text.</param>
    /// <returns>The call.</returns>
    public static FunctionCallContent ToCallContent(string callId, string name, string? argumentsJson)
    {
        if (string.IsNullOrWhiteSpace(argumentsJson))
        {
            return new FunctionCallContent(callId, name, new Dictionary<string, object?>());
        }

        try
        {
            using var document = JsonDocument.Parse(argumentsJson);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                var arguments = new Dictionary<string, object?>();
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    arguments[property.Name] = property.Value.Clone();
                }

                return new FunctionCallContent(callId, name, arguments);
            }
        }
        catch (JsonException ex)
        {
            return Verbatim(callId, name, argumentsJson, ex);
        }

        return Verbatim(callId, name, argumentsJson, null);
    }

    /// <summary>Creates a call from a JSON object of arguments (providers that send objects, not text).</summary>
    /// <param name="callId">The call id.</param>
    /// <param name="name">The function name.</param>
    /// <param name="argumentsObject">The arguments object.</param>
    /// <returns>The call.</returns>
    public static FunctionCallContent ToCallContent(string callId, string name, JsonElement argumentsObject)
    {
        var arguments = new Dictionary<string, object?>();
        if (argumentsObject.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in argumentsObject.EnumerateObject())
            {
                arguments[property.Name] = property.Value.Clone();
            }
        }

        return new FunctionCallContent(callId, name, arguments);
    }

    /// <summary>Writes a call's arguments as JSON text, verbatim when they were kept verbatim.</summary>
    /// <param name="call">The call.</param>
    /// <returns>The JSON text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="call"/> is <see langword="null"/>.</exception>
    public static string ToJson(FunctionCallContent call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return ToJsonCore(call);
    }

    /// <summary>
    /// Writes a call's arguments as a JSON object, for providers that want an object (Anthropic <c>input</c>, Gemini
    /// <c>args</c>). Arguments a model once produced as invalid JSON cannot be one; the call is history, so it goes back
    /// with an empty object rather than failing the whole conversation.
    /// </summary>
    internal static void WriteObject(Utf8JsonWriter writer, FunctionCallContent call)
    {
        if (call.AdditionalProperties?.ContainsKey(RawArgumentsKey) == true || call.Arguments is null)
        {
            writer.WriteStartObject();
            writer.WriteEndObject();
            return;
        }

        JsonSerializer.Serialize(writer, call.Arguments, CompactOptions.GetTypeInfo(typeof(IDictionary<string, object?>)));
    }

    private static string ToJsonCore(FunctionCallContent call)
    {
        if (call.AdditionalProperties?.TryGetValue(RawArgumentsKey, out var raw) == true && raw is string text)
        {
            return text;
        }

        return call.Arguments is null
            ? "{}"
            : JsonSerializer.Serialize(call.Arguments, CompactOptions.GetTypeInfo(typeof(IDictionary<string, object?>)));
    }

    private static FunctionCallContent Verbatim(string callId, string name, string argumentsJson, Exception? error) => new(callId, name)
    {
        Exception = error,
        AdditionalProperties = new() { [RawArgumentsKey] = argumentsJson },
    };
}
