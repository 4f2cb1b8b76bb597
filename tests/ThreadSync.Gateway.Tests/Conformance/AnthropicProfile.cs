using System.Text.Json;
using ThreadSync.Testing.FakeUpstreams;

namespace ThreadSync.Gateway.Tests.Conformance;

/// <summary>Anthropic Messages: top-level system, content blocks, <c>input_tokens</c> excluding cache reads and writes.</summary>
internal sealed class AnthropicProfile : ProviderProfile
{
    public override FakeProviderKind Kind => FakeProviderKind.Anthropic;

    public override string Model => "claude-sonnet-4-6";

    public override (FakeUsage Wire, ExpectedUsage Normalized) Usage =>
        (new FakeUsage(100, 50, CachedTokens: 20, CacheWriteTokens: 5), new ExpectedUsage(125, 50, 20, 5, 0));

    public override string? SystemText(JsonElement body) =>
        !body.TryGetProperty("system", out var system) ? null
        : system.ValueKind == JsonValueKind.String ? system.GetString()
        : Concat(system.EnumerateArray().Select(static b => b.GetProperty("text").GetString()));

    public override IReadOnlyList<WireTurn> Turns(JsonElement body) =>
        body.GetProperty("messages").EnumerateArray()
            .Select(static m => new WireTurn(m.GetProperty("role").GetString()!, Text(m.GetProperty("content"))))
            .ToList();

    public override int? MaxTokens(JsonElement body) => body.TryGetProperty("max_tokens", out var value) ? value.GetInt32() : null;

    public override IReadOnlyList<string> StopSequences(JsonElement body) =>
        body.TryGetProperty("stop_sequences", out var stop) ? stop.EnumerateArray().Select(static s => s.GetString()!).ToList() : [];

    public override double? Temperature(JsonElement body) => body.TryGetProperty("temperature", out var t) ? t.GetDouble() : null;

    public override IReadOnlyList<string> Images(JsonElement body) =>
        Blocks(body, "image").Select(static b => b.GetProperty("source").GetProperty("data").GetString()!).ToList();

    public override IReadOnlyList<string> ToolNames(JsonElement body) =>
        body.TryGetProperty("tools", out var tools) ? tools.EnumerateArray().Select(static t => t.GetProperty("name").GetString()!).ToList() : [];

    public override (string Reference, string Content)? ToolResult(JsonElement body)
    {
        var result = Blocks(body, "tool_result").FirstOrDefault();
        return result.ValueKind == JsonValueKind.Undefined ? null : (result.GetProperty("tool_use_id").GetString()!, Text(result.GetProperty("content")));
    }

    public override (string? Id, string Name, JsonElement Arguments)? EchoedToolCall(JsonElement body)
    {
        var call = Blocks(body, "tool_use").FirstOrDefault();
        return call.ValueKind == JsonValueKind.Undefined ? null : (call.GetProperty("id").GetString(), call.GetProperty("name").GetString()!, call.GetProperty("input"));
    }

    public override bool IsStreamRequest(RecordedRequest request) => request.Json.TryGetProperty("stream", out var s) && s.GetBoolean();

    private static IEnumerable<JsonElement> Blocks(JsonElement body, string type) =>
        body.GetProperty("messages").EnumerateArray()
            .Select(static m => m.GetProperty("content"))
            .Where(static c => c.ValueKind == JsonValueKind.Array)
            .SelectMany(static c => c.EnumerateArray())
            .Where(b => b.GetProperty("type").GetString() == type);

    private static string Text(JsonElement content) => content.ValueKind == JsonValueKind.String
        ? content.GetString()!
        : Concat(content.EnumerateArray().Where(static b => b.GetProperty("type").GetString() == "text").Select(static b => b.GetProperty("text").GetString()));
}
