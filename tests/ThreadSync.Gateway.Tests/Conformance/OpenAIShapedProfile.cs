using System.Text.Json;
using ThreadSync.Testing.FakeUpstreams;

namespace ThreadSync.Gateway.Tests.Conformance;

/// <summary>Reads OpenAI-shaped Chat Completions bodies (OpenAI, xAI, Perplexity).</summary>
internal abstract class OpenAIShapedProfile : ProviderProfile
{
    protected virtual string MaxTokensField => "max_tokens";

    public override string? SystemText(JsonElement body)
    {
        var texts = Messages(body).Where(static m => m.GetProperty("role").GetString() is "system" or "developer").Select(Text).ToList();
        return texts.Count == 0 ? null : string.Join("\n\n", texts);
    }

    public override IReadOnlyList<WireTurn> Turns(JsonElement body) =>
        Messages(body)
            .Where(static m => m.GetProperty("role").GetString() is not ("system" or "developer"))
            .Select(static m => new WireTurn(m.GetProperty("role").GetString()!, Text(m)))
            .ToList();

    public override int? MaxTokens(JsonElement body) => body.TryGetProperty(MaxTokensField, out var value) ? value.GetInt32() : null;

    public override IReadOnlyList<string> StopSequences(JsonElement body) =>
        body.TryGetProperty("stop", out var stop) ? stop.EnumerateArray().Select(static s => s.GetString()!).ToList() : [];

    public override double? Temperature(JsonElement body) => body.TryGetProperty("temperature", out var t) ? t.GetDouble() : null;

    public override IReadOnlyList<string> Images(JsonElement body) =>
        Messages(body)
            .Where(static m => m.GetProperty("content").ValueKind == JsonValueKind.Array)
            .SelectMany(static m => m.GetProperty("content").EnumerateArray())
            .Where(static p => p.GetProperty("type").GetString() == "image_url")
            .Select(static p => p.GetProperty("image_url").GetProperty("url").GetString()!)
            .Select(static url => url[(url.IndexOf(",", StringComparison.Ordinal) + 1)..])
            .ToList();

    public override IReadOnlyList<string> ToolNames(JsonElement body) =>
        body.TryGetProperty("tools", out var tools) ? tools.EnumerateArray().Select(static t => t.GetProperty("function").GetProperty("name").GetString()!).ToList() : [];

    public override (string Reference, string Content)? ToolResult(JsonElement body)
    {
        var tool = Messages(body).FirstOrDefault(static m => m.GetProperty("role").GetString() == "tool");
        return tool.ValueKind == JsonValueKind.Undefined ? null : (tool.GetProperty("tool_call_id").GetString()!, tool.GetProperty("content").GetString()!);
    }

    public override (string? Id, string Name, JsonElement Arguments)? EchoedToolCall(JsonElement body)
    {
        foreach (var message in Messages(body))
        {
            if (message.TryGetProperty("tool_calls", out var calls))
            {
                var call = calls[0];
                var function = call.GetProperty("function");
                return (call.GetProperty("id").GetString(), function.GetProperty("name").GetString()!, JsonDocument.Parse(function.GetProperty("arguments").GetString()!).RootElement);
            }
        }

        return null;
    }

    public override bool IsStreamRequest(RecordedRequest request) => request.Json.TryGetProperty("stream", out var s) && s.GetBoolean();

    private static IEnumerable<JsonElement> Messages(JsonElement body) => body.GetProperty("messages").EnumerateArray();

    private static string Text(JsonElement message)
    {
        var content = message.GetProperty("content");
        return content.ValueKind switch
        {
            JsonValueKind.String => content.GetString()!,
            JsonValueKind.Array => Concat(content.EnumerateArray().Where(static p => p.GetProperty("type").GetString() == "text").Select(static p => p.GetProperty("text").GetString())),
            _ => string.Empty,
        };
    }
}
