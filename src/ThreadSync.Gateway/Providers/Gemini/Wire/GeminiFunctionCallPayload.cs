using System.Text.Json;

namespace ThreadSync.Gateway.Providers.Gemini.Wire;

/// <summary>A function call: <see cref="Args"/> is an object; <see cref="Id"/> is usually absent.</summary>
internal sealed class GeminiFunctionCallPayload
{
    public string? Id { get; set; }

    public string? Name { get; set; }

    public JsonElement? Args { get; set; }
}
