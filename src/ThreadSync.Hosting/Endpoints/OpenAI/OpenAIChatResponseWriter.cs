using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using ThreadSync.Gateway;

namespace ThreadSync.Hosting.Endpoints.OpenAI;

/// <summary>
/// Writes a complete response in OpenAI's exact <c>chat.completion</c> shape, plus ThreadSync's flattened
/// top-level fields (<c>content</c>, <c>provider</c>, <c>route_method</c>) and usage fields, so unchanged OpenAI
/// SDK code works and <c>data.content</c> works too.
/// </summary>
internal static class OpenAIChatResponseWriter
{
    public static void Write(Utf8JsonWriter writer, ChatResponse response, GatewayRequestContext context, long createdUnixSeconds)
    {
        var contents = response.Messages.SelectMany(static m => m.Contents).ToList();
        var text = new StringBuilder();
        var reasoning = new StringBuilder();
        string? refusal = null;
        var calls = new List<FunctionCallContent>();
        foreach (var content in contents)
        {
            switch (content)
            {
                case TextContent t:
                    text.Append(t.Text);
                    break;
                case TextReasoningContent r:
                    reasoning.Append(r.Text);
                    break;
                case ErrorContent { ErrorCode: GatewayContentKeys.RefusalErrorCode } e:
                    refusal = e.Message;
                    break;
                case FunctionCallContent call:
                    calls.Add(call);
                    break;
            }
        }

        var contentText = text.Length == 0 && (calls.Count > 0 || refusal is not null) ? null : text.ToString();

        writer.WriteStartObject();
        writer.WriteString("id", "chatcmpl-" + context.CorrelationId);
        writer.WriteString("object", "chat.completion");
        writer.WriteNumber("created", response.CreatedAt?.ToUnixTimeSeconds() ?? createdUnixSeconds);
        writer.WriteString("model", response.ModelId ?? context.Model?.Id);
        writer.WritePropertyName("choices");
        writer.WriteStartArray();
        writer.WriteStartObject();
        writer.WriteNumber("index", 0);
        writer.WritePropertyName("message");
        writer.WriteStartObject();
        writer.WriteString("role", "assistant");
        writer.WriteString("content", contentText);
        writer.WriteString("refusal", refusal);
        if (reasoning.Length > 0)
        {
            writer.WriteString("reasoning_content", reasoning.ToString());
        }

        if (calls.Count > 0)
        {
            OpenAIWireFormat.WriteToolCalls(writer, calls);
        }

        writer.WriteEndObject();
        writer.WriteNull("logprobs");
        writer.WriteString("finish_reason", OpenAIWireFormat.FinishReason(response.FinishReason));
        writer.WriteEndObject();
        writer.WriteEndArray();

        OpenAIWireFormat.WriteUsage(writer, context.Usage ?? new GatewayUsage());

        // ThreadSync's flattened fields.
        writer.WriteString("content", contentText ?? string.Empty);
        writer.WriteString("provider", context.Provider?.ToWireId());
        writer.WriteString("route_method", context.RouteMethod);
        if (response.AdditionalProperties?.TryGetValue(GatewayContentKeys.FinishReasonRaw, out var raw) == true && raw is string rawReason)
        {
            writer.WriteString("finish_reason_raw", rawReason);
        }

        OpenAIWireFormat.WriteCitations(writer, contents);
        writer.WriteEndObject();
    }
}
