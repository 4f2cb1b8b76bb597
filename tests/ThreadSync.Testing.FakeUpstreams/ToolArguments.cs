using System.Text.Json;

namespace ThreadSync.Testing.FakeUpstreams;

/// <summary>
/// Writes a <see cref="FakeToolCall.ArgumentsJson"/> string as a JSON value, for providers whose tool calls carry the
/// arguments as an object (Anthropic <c>input</c>, Gemini <c>args</c>) rather than a string.
/// </summary>
internal static class ToolArguments
{
    /// <summary>
    /// Writes <c>"name": &lt;arguments&gt;</c>: the arguments verbatim when they are valid JSON, otherwise (empty or
    /// deliberately broken arguments) an empty object, since the whole body must stay valid JSON.
    /// </summary>
    /// <param name="w">The writer.</param>
    /// <param name="propertyName">The property name.</param>
    /// <param name="argumentsJson">The arguments JSON.</param>
    public static void Write(Utf8JsonWriter w, string propertyName, string argumentsJson)
    {
        w.WritePropertyName(propertyName);
        if (IsValidJson(argumentsJson))
        {
            w.WriteRawValue(argumentsJson);
        }
        else
        {
            w.WriteStartObject();
            w.WriteEndObject();
        }
    }

    private static bool IsValidJson(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
