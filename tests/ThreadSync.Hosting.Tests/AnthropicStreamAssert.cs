using System.Text;
using System.Text.Json;

namespace ThreadSync.Hosting.Tests;

/// <summary>
/// Checks an Anthropic Messages event stream against providers.md §1.4 (event names match their <c>type</c>;
/// <c>message_start</c> first; blocks opened with consecutive indexes from 0, deltas only to the open block, each block
/// closed before the next opens; <c>message_delta</c> then <c>message_stop</c> last) and rebuilds its content blocks.
/// </summary>
public static class AnthropicStreamAssert
{
    /// <summary>Returns each block as (type, accumulated text / thinking / input JSON, the start's content_block).</summary>
    public static List<(string Type, string Content, JsonElement Start)> WellFormed(IReadOnlyList<NamedEvent> events)
    {
        Assert.All(events, e => Assert.Equal(e.Name, e.Data.GetProperty("type").GetString()));
        Assert.Equal("message_start", events[0].Name);
        Assert.Equal(["message_delta", "message_stop"], events.TakeLast(2).Select(e => e.Name));
        var message = events[0].Data.GetProperty("message");
        Assert.Equal("message", message.GetProperty("type").GetString());
        Assert.Equal("assistant", message.GetProperty("role").GetString());
        Assert.Equal(0, message.GetProperty("content").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, message.GetProperty("stop_reason").ValueKind);

        var blocks = new List<(string Type, StringBuilder Content, JsonElement Start)>();
        int? open = null;
        foreach (var e in events.Skip(1).SkipLast(2))
        {
            var index = e.Data.GetProperty("index").GetInt32();
            switch (e.Name)
            {
                case "content_block_start":
                    Assert.Null(open);
                    Assert.Equal(blocks.Count, index);
                    var start = e.Data.GetProperty("content_block");
                    blocks.Add((start.GetProperty("type").GetString()!, new StringBuilder(), start));
                    open = index;
                    break;
                case "content_block_delta":
                    Assert.Equal(open, index);
                    var delta = e.Data.GetProperty("delta");
                    var (type, content, _) = blocks[index];
                    switch (delta.GetProperty("type").GetString())
                    {
                        case "text_delta":
                            Assert.Equal("text", type);
                            content.Append(delta.GetProperty("text").GetString());
                            break;
                        case "thinking_delta":
                            Assert.Equal("thinking", type);
                            content.Append(delta.GetProperty("thinking").GetString());
                            break;
                        case "signature_delta":
                            Assert.Equal("thinking", type);
                            Assert.False(string.IsNullOrEmpty(delta.GetProperty("signature").GetString()));
                            break;
                        case "input_json_delta":
                            Assert.Equal("tool_use", type);
                            content.Append(delta.GetProperty("partial_json").GetString());
                            break;
                        case var other:
                            Assert.Fail($"Unexpected delta type {other}.");
                            break;
                    }

                    break;
                case "content_block_stop":
                    Assert.Equal(open, index);
                    open = null;
                    break;
                default:
                    Assert.Fail($"Unexpected event {e.Name} between message_start and message_delta.");
                    break;
            }
        }

        Assert.Null(open);
        foreach (var (type, content, _) in blocks.Where(b => b.Type == "tool_use"))
        {
            Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(content.ToString()).RootElement.ValueKind);
        }

        var final = events[^2].Data;
        Assert.False(string.IsNullOrEmpty(final.GetProperty("delta").GetProperty("stop_reason").GetString()));
        Assert.True(final.GetProperty("usage").GetProperty("output_tokens").GetInt32() >= 0);
        return blocks.Select(b => (b.Type, b.Content.ToString(), b.Start)).ToList();
    }
}
