using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;

namespace ThreadSync.Testing.FakeUpstreams;

/// <summary>
/// Reads and validates a Gemini <c>GenerateContentRequest</c> body the way the real API does (providers.md §3.2):
/// known top-level fields only (camelCase or proto snake_case), non-empty <c>contents</c> with <c>user</c>/<c>model</c> roles
/// and non-empty <c>parts</c>, object <c>functionResponse.response</c> answering a <c>functionCall</c> of the turn just
/// before, temperature 0..2 and (optionally) echoed <c>thoughtSignature</c>s. Only valid while the
/// <see cref="JsonDocument"/> it was read from is alive.
/// </summary>
internal sealed class GeminiRequest
{
    private static readonly HashSet<string> KnownFields = new(StringComparer.Ordinal)
    {
        "model",
        "contents",
        "systemInstruction",
        "system_instruction",
        "generationConfig",
        "generation_config",
        "tools",
        "toolConfig",
        "tool_config",
        "safetySettings",
        "safety_settings",
        "cachedContent",
        "cached_content",
    };

    private GeminiRequest(string lastUserText, int promptWords)
    {
        LastUserText = lastUserText;
        PromptWords = promptWords;
    }

    /// <summary>Gets the text parts (thoughts excluded) of the last <c>user</c> turn (empty when none).</summary>
    public string LastUserText { get; }

    /// <summary>Gets the number of whitespace-separated words in <c>systemInstruction</c> and all text parts (at least 1).</summary>
    public int PromptWords { get; }

    /// <summary>Reads the request, or says what is wrong with it (always a 400 <c>INVALID_ARGUMENT</c>).</summary>
    /// <param name="root">The parsed body.</param>
    /// <param name="requireThoughtSignatures">Whether model-turn <c>functionCall</c> parts must carry <c>thoughtSignature</c>.</param>
    /// <param name="request">The request when valid.</param>
    /// <param name="error">The error message when invalid.</param>
    /// <returns>True when valid.</returns>
    public static bool TryRead(JsonElement root, bool requireThoughtSignatures, [NotNullWhen(true)] out GeminiRequest? request, [NotNullWhen(false)] out string? error)
    {
        request = null;
        error = ReadTopLevel(root);
        if (error is not null)
        {
            return false;
        }

        var words = 0;
        if (TryGet(root, "systemInstruction", "system_instruction", out var system) && system.ValueKind == JsonValueKind.Object
            && system.TryGetProperty("parts", out var systemParts) && systemParts.ValueKind == JsonValueKind.Array)
        {
            foreach (var part in systemParts.EnumerateArray())
            {
                words += WireText.CountWords(TextOf(part));
            }
        }

        error = ReadContents(root.GetProperty("contents"), requireThoughtSignatures, ref words, out var lastUserText);
        if (error is not null)
        {
            return false;
        }

        request = new GeminiRequest(lastUserText, Math.Max(1, words));
        return true;
    }

    private static string? ReadTopLevel(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return "Invalid JSON payload received. Expected an object for the request body.";
        }

        foreach (var property in root.EnumerateObject())
        {
            if (!KnownFields.Contains(property.Name))
            {
                return $"Invalid JSON payload received. Unknown name \"{property.Name}\": Cannot find field.";
            }
        }

        if (!root.TryGetProperty("contents", out var contents)
            || contents.ValueKind == JsonValueKind.Null
            || (contents.ValueKind == JsonValueKind.Array && contents.GetArrayLength() == 0))
        {
            return "* GenerateContentRequest.contents: contents is not specified\n";
        }

        if (contents.ValueKind != JsonValueKind.Array)
        {
            return "Invalid JSON payload received. Unknown name \"contents\": Proto field is repeated, expected a list.";
        }

        if (TryGet(root, "generationConfig", "generation_config", out var config) && config.ValueKind == JsonValueKind.Object
            && config.TryGetProperty("temperature", out var temperature) && temperature.ValueKind != JsonValueKind.Null)
        {
            if (temperature.ValueKind != JsonValueKind.Number)
            {
                return $"Invalid value at 'generation_config.temperature' (TYPE_FLOAT), {temperature.GetRawText()}";
            }

            var value = temperature.GetDouble();
            if (value is < 0 or > 2)
            {
                return "* GenerateContentRequest.generation_config.temperature: temperature must be in the range [0.0, 2.0]\n";
            }
        }

        return null;
    }

    private static string? ReadContents(JsonElement contents, bool requireThoughtSignatures, ref int words, out string lastUserText)
    {
        lastUserText = string.Empty;
        var previousCalls = new HashSet<string>(StringComparer.Ordinal);
        var currentCalls = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var content in contents.EnumerateArray())
        {
            var at = string.Create(CultureInfo.InvariantCulture, $"contents[{index}]");
            if (content.ValueKind != JsonValueKind.Object)
            {
                return $"Invalid value at '{at}' (type.googleapis.com/google.ai.generativelanguage.v1beta.Content), {content.GetRawText()}";
            }

            var isModel = false;
            if (content.TryGetProperty("role", out var role) && role.ValueKind != JsonValueKind.Null)
            {
                isModel = role.ValueKind == JsonValueKind.String && role.ValueEquals("model");
                if (!isModel && !(role.ValueKind == JsonValueKind.String && (role.ValueEquals("user") || role.GetString()!.Length == 0)))
                {
                    return "Please use a valid role: user, model.";
                }
            }

            if (!content.TryGetProperty("parts", out var parts) || parts.ValueKind != JsonValueKind.Array || parts.GetArrayLength() == 0)
            {
                return $"* GenerateContentRequest.{at}.parts: contents.parts must not be empty.\n";
            }

            currentCalls.Clear();
            var text = string.Empty;
            var partIndex = 0;
            foreach (var part in parts.EnumerateArray())
            {
                var partAt = string.Create(CultureInfo.InvariantCulture, $"{at}.parts[{partIndex}]");
                if (part.ValueKind != JsonValueKind.Object)
                {
                    return $"Invalid value at '{partAt}' (type.googleapis.com/google.ai.generativelanguage.v1beta.Part), {part.GetRawText()}";
                }

                var partText = TextOf(part);
                words += WireText.CountWords(partText);
                if (!IsThought(part))
                {
                    text += partText;
                }

                if (TryGet(part, "functionCall", "function_call", out var call) && call.ValueKind == JsonValueKind.Object)
                {
                    var name = call.TryGetProperty("name", out var nameElement) && nameElement.ValueKind == JsonValueKind.String ? nameElement.GetString()! : string.Empty;
                    currentCalls.Add(name);
                    if (requireThoughtSignatures && isModel && !TryGet(part, "thoughtSignature", "thought_signature", out _))
                    {
                        return string.Create(
                            CultureInfo.InvariantCulture,
                            $"Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call `default_api:{name}` , position {partIndex + 1}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.");
                    }
                }

                if (TryGet(part, "functionResponse", "function_response", out var response) && response.ValueKind == JsonValueKind.Object)
                {
                    if (ReadFunctionResponse(response, partAt, previousCalls) is { } responseError)
                    {
                        return responseError;
                    }
                }

                partIndex++;
            }

            if (!isModel)
            {
                lastUserText = text;
            }

            (previousCalls, currentCalls) = (currentCalls, previousCalls);
            if (!isModel)
            {
                // Only a model turn can be answered by the next turn's function responses.
                previousCalls.Clear();
            }

            index++;
        }

        return null;
    }

    private static string? ReadFunctionResponse(JsonElement response, string partAt, HashSet<string> previousCalls)
    {
        if (!response.TryGetProperty("response", out var payload) || payload.ValueKind != JsonValueKind.Object)
        {
            var raw = response.TryGetProperty("response", out payload) ? payload.GetRawText() : "null";
            return $"Invalid value at '{partAt}.function_response.response' (type.googleapis.com/google.protobuf.Struct), {raw}";
        }

        if (previousCalls.Count == 0)
        {
            return "Please ensure that function response turn comes immediately after a function call turn.";
        }

        var name = response.TryGetProperty("name", out var nameElement) && nameElement.ValueKind == JsonValueKind.String ? nameElement.GetString()! : string.Empty;
        return previousCalls.Contains(name)
            ? null
            : $"* GenerateContentRequest.{partAt}.function_response.name: function response name '{name}' does not match any function call of the preceding model turn.\n";
    }

    private static bool TryGet(JsonElement element, string camelName, string snakeName, out JsonElement value) =>
        element.TryGetProperty(camelName, out value) || element.TryGetProperty(snakeName, out value);

    private static bool IsThought(JsonElement part) =>
        part.ValueKind == JsonValueKind.Object && part.TryGetProperty("thought", out var thought) && thought.ValueKind == JsonValueKind.True;

    private static string TextOf(JsonElement part) =>
        part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String
            ? text.GetString()!
            : string.Empty;
}
