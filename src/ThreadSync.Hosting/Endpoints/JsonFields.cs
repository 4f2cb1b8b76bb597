using System.Text.Json;

namespace ThreadSync.Hosting.Endpoints;

/// <summary>Reads loosely typed request fields (content parts and blocks) with the endpoints' 400s.</summary>
internal static class JsonFields
{
    /// <summary>The string value of a property, or null when absent or not a string.</summary>
    public static string? OptionalString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The string value of a property; a 400 naming <c>{param}.{name}</c> when it is missing.</summary>
    public static string RequiredString(JsonElement element, string name, string param) =>
        OptionalString(element, name) ?? throw RequestErrors.Missing($"{param}.{name}");

    /// <summary>A content part's <c>text</c>; a 400 naming <c>{param}.content.text</c> when it is missing (the name is built only then).</summary>
    public static string PartText(JsonElement part, string param) =>
        OptionalString(part, "text") ?? throw RequestErrors.Missing($"{param}.content.text");

    /// <summary>The <c>type</c> of a content part or block, or null when it is not an object or has none.</summary>
    public static string? TypeOf(JsonElement part) =>
        part.ValueKind == JsonValueKind.Object ? OptionalString(part, "type") : null;
}
