using System.Text.Json;
using ThreadSync.Testing.FakeUpstreams;

namespace ThreadSync.Gateway.Tests.Conformance;

/// <summary>Gemini native: camelCase, roles user/model, tool results matched by function name, thoughts outside the output count.</summary>
internal sealed class GeminiProfile : ProviderProfile
{
    public override FakeProviderKind Kind => FakeProviderKind.Gemini;

    public override string Model => "gemini-3.8-flash";

    public override (FakeUsage Wire, ExpectedUsage Normalized) Usage =>
        (new FakeUsage(100, 50, ReasoningTokens: 10, CachedTokens: 20), new ExpectedUsage(100, 60, 20, 0, 10));

    public override string? SystemText(JsonElement body) =>
        body.TryGetProperty("systemInstruction", out var system)
            ? Concat(system.GetProperty("parts").EnumerateArray().Select(static p => p.GetProperty("text").GetString()))
            : null;

    public override IReadOnlyList<WireTurn> Turns(JsonElement body) =>
        body.GetProperty("contents").EnumerateArray()
            .Select(static c => new WireTurn(
                c.GetProperty("role").GetString() == "model" ? "assistant" : "user",
                Concat(c.GetProperty("parts").EnumerateArray().Select(static p => p.TryGetProperty("text", out var t) ? t.GetString() : null))))
            .ToList();

    public override int? MaxTokens(JsonElement body) => Config(body, "maxOutputTokens") is { } value ? value.GetInt32() : null;

    public override IReadOnlyList<string> StopSequences(JsonElement body) =>
        Config(body, "stopSequences") is { } stop ? stop.EnumerateArray().Select(static s => s.GetString()!).ToList() : [];

    public override double? Temperature(JsonElement body) => Config(body, "temperature")?.GetDouble();

    public override IReadOnlyList<string> Images(JsonElement body) =>
        Parts(body, "inlineData").Select(static p => p.GetProperty("inlineData").GetProperty("data").GetString()!).ToList();

    public override IReadOnlyList<string> ToolNames(JsonElement body) =>
        body.TryGetProperty("tools", out var tools)
            ? tools.EnumerateArray().SelectMany(static t => t.GetProperty("functionDeclarations").EnumerateArray()).Select(static f => f.GetProperty("name").GetString()!).ToList()
            : [];

    public override (string Reference, string Content)? ToolResult(JsonElement body)
    {
        var part = Parts(body, "functionResponse").FirstOrDefault();
        if (part.ValueKind == JsonValueKind.Undefined)
        {
            return null;
        }

        var response = part.GetProperty("functionResponse");
        var payload = response.GetProperty("response");
        var content = payload.TryGetProperty("result", out var wrapped) ? wrapped.GetString()! : payload.GetRawText();
        return (response.GetProperty("name").GetString()!, content);
    }

    public override (string? Id, string Name, JsonElement Arguments)? EchoedToolCall(JsonElement body)
    {
        var part = Parts(body, "functionCall").FirstOrDefault();
        if (part.ValueKind == JsonValueKind.Undefined)
        {
            return null;
        }

        var call = part.GetProperty("functionCall");
        return (call.TryGetProperty("id", out var id) ? id.GetString() : null, call.GetProperty("name").GetString()!, call.GetProperty("args"));
    }

    public override string ToolResultReference(string callId, string functionName) => functionName;

    public override bool IsStreamRequest(RecordedRequest request) =>
        request.Path.EndsWith(":streamGenerateContent", StringComparison.Ordinal) && request.QueryString.Contains("alt=sse", StringComparison.Ordinal);

    private static JsonElement? Config(JsonElement body, string name) =>
        body.TryGetProperty("generationConfig", out var config) && config.TryGetProperty(name, out var value) ? value : null;

    private static IEnumerable<JsonElement> Parts(JsonElement body, string kind) =>
        body.GetProperty("contents").EnumerateArray()
            .SelectMany(static c => c.GetProperty("parts").EnumerateArray())
            .Where(p => p.TryGetProperty(kind, out _));
}
