using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using ThreadSync.Gateway;

namespace ThreadSync.Hosting.Endpoints.Anthropic;

/// <summary>
/// Writes a complete response in Anthropic's exact <c>message</c> shape: <c>content</c> holds, in the order the
/// provider produced them, <c>thinking</c> blocks (with their <c>signature</c>), <c>redacted_thinking</c>, <c>text</c>
/// blocks (adjacent text merged; a refusal is text) and <c>tool_use</c> blocks.
/// </summary>
internal static class AnthropicMessageWriter
{
    public static void Write(Utf8JsonWriter writer, ChatResponse response, GatewayRequestContext context)
    {
        writer.WriteStartObject();
        writer.WriteString("id", AnthropicWireFormat.MessageId(context));
        writer.WriteString("type", "message");
        writer.WriteString("role", "assistant");
        writer.WriteString("model", response.ModelId ?? context.Model?.Id);
        writer.WritePropertyName("content");
        writer.WriteStartArray();

        var text = new StringBuilder();
        var thinking = new StringBuilder();
        string? signature = null;
        var hasToolUse = false;
        var hasRefusal = false;
        foreach (var content in response.Messages.SelectMany(static m => m.Contents))
        {
            switch (content)
            {
                case TextContent t when t.Text.Length > 0:
                    FlushThinking(writer, thinking, ref signature);
                    text.Append(t.Text);
                    break;
                case ErrorContent { ErrorCode: GatewayContentKeys.RefusalErrorCode } refusal:
                    FlushThinking(writer, thinking, ref signature);
                    text.Append(refusal.Message);
                    hasRefusal = true;
                    break;
                case TextReasoningContent { ProtectedData: { Length: > 0 } data } redacted when AnthropicWireFormat.IsRedacted(redacted):
                    FlushThinking(writer, thinking, ref signature);
                    FlushText(writer, text);
                    writer.WriteStartObject();
                    writer.WriteString("type", "redacted_thinking");
                    writer.WriteString("data", data);
                    writer.WriteEndObject();
                    break;
                case TextReasoningContent reasoning:
                    // A signature closes its thinking block: thinking text after it starts a new block.
                    FlushText(writer, text);
                    if (signature is not null && reasoning.Text.Length > 0)
                    {
                        FlushThinking(writer, thinking, ref signature);
                    }

                    thinking.Append(reasoning.Text);
                    signature = reasoning.ProtectedData ?? signature;
                    break;
                case FunctionCallContent call:
                    FlushThinking(writer, thinking, ref signature);
                    FlushText(writer, text);
                    AnthropicWireFormat.WriteToolUseBlock(writer, call, AnthropicWireFormat.InputJson(call));
                    hasToolUse = true;
                    break;
            }
        }

        FlushThinking(writer, thinking, ref signature);
        FlushText(writer, text);
        writer.WriteEndArray();

        var (stopReason, stopSequence) = AnthropicWireFormat.StopReason(
            context,
            response.FinishReason,
            FinishDetails.RawReason(response.AdditionalProperties),
            FinishDetails.StopSequence(response.AdditionalProperties),
            hasToolUse,
            hasRefusal);
        writer.WriteString("stop_reason", stopReason);
        writer.WriteString("stop_sequence", stopSequence);
        AnthropicWireFormat.WriteUsage(writer, context.Usage);
        writer.WriteEndObject();
    }

    private static void FlushText(Utf8JsonWriter writer, StringBuilder text)
    {
        if (text.Length == 0)
        {
            return;
        }

        writer.WriteStartObject();
        writer.WriteString("type", "text");
        writer.WriteString("text", text.ToString());
        writer.WriteEndObject();
        text.Clear();
    }

    private static void FlushThinking(Utf8JsonWriter writer, StringBuilder thinking, ref string? signature)
    {
        if (thinking.Length == 0 && signature is null)
        {
            return;
        }

        writer.WriteStartObject();
        writer.WriteString("type", "thinking");
        writer.WriteString("thinking", thinking.ToString());
        writer.WriteString("signature", signature ?? string.Empty);
        writer.WriteEndObject();
        thinking.Clear();
        signature = null;
    }
}
